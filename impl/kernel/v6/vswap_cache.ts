// The swap cache kept in the descriptors (mm/vswap.c): pinning (swapcache_prepare / swapcache_clear), adding and
// deleting folios under the cluster lock with interrupts off, reclaim's removal, folio_free_swap, lookups, and
// the cluster pin of tryget_swap_entry.
import type { Folio } from '../mm/folio.ts';
import { folio_try_get } from '../mm/folio.ts';
import type { V6Kernel } from './design.ts';
import { memcg1_swapout } from '../mm/memcontrol.ts';
import type { Task } from '../sim.ts';
import {
  rcu_read_lock,
  rcu_read_unlock,
  refcount_dec_and_test,
  refcount_inc_not_zero,
  spin_lock,
  spin_lock_irq,
  spin_unlock_irq,
} from '../sim.ts';
import { swap_slot_put_swap_info, swap_slot_tryget_swap_info } from './swapfile.ts';
import { vswap_cluster_free } from './vswap_alloc.ts';
import { swp_entry_to_swp_slot } from './vswap_backing.ts';
import { descOf, EEXIST, ENOENT, vswap_free_nr } from './vswap_free.ts';
import { __vswap_iter, cluster_unlock, cluster_unlock_irq, heldCluster, noCluster, vswap_iter, vswap_iter_done, xa_load } from './vswap_iter.ts';
import type { SwpEntry, VswapCluster } from './vswap_types.ts';
import { folio_matches_swap_entry, type SwapRef } from '../swap.ts';

export { folio_matches_swap_entry };
import { clusterIdx, isShadow } from './vswap_types.ts';

function* clusterOf(k: V6Kernel, entry: SwpEntry, who: string): Task<VswapCluster> {
  const c = yield* xa_load(k, clusterIdx(entry, k.clusterSize));
  if (!c) return k.m.fail('bug', `VM_WARN_ON: ${who}: no vswap cluster for slot ${entry}`);
  return c;
}

/** __swapcache_clear: in_swapcache 1 -> 0 on nr slots, freeing those without PTE references; lock held. */
export function* __swapcache_clear(k: V6Kernel, c: VswapCluster, entry: SwpEntry, nr: number, by: string): Task {
  let freeStart = entry;
  let freeNr = 0;
  for (let i = 0; i < nr; i++) {
    const d = descOf(k, c, entry + i, '__swapcache_clear');
    d.inSwapcache = false;
    k.emitVirtual(c, entry + i, 'CACHE_DEL', by);
    if (!d.swapCount) {
      if (!freeNr++) freeStart = entry + i;
    } else if (freeNr) {
      yield* vswap_free_nr(k, c, freeStart, freeNr);
      freeNr = 0;
    }
  }
  if (freeNr) yield* vswap_free_nr(k, c, freeStart, freeNr);
}

/** swapcache_clear: drops the swap-cache pin of nr slots of one cluster. */
export function* swapcache_clear(k: V6Kernel, entry: SwpEntry, nr: number): Task {
  if (!nr) return;
  const ref = noCluster();
  yield* rcu_read_lock(k.m);
  const d = yield* vswap_iter(k, ref, entry);
  if (!d) return k.m.fail('bug', `VM_WARN_ON: swapcache_clear: slot ${entry} not allocated`);
  yield* __swapcache_clear(k, heldCluster(k, ref), entry, nr, 'swapcache_clear');
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
}

/** swapcache_prepare: pins nr slots for a swap-cache folio; -EEXIST if one is pinned, -ENOENT if one is dead. */
export function* swapcache_prepare(k: V6Kernel, entry: SwpEntry, nr: number): Task<number> {
  const ref = noCluster();
  let ret = 0;
  let i = 0;
  yield* rcu_read_lock(k.m);
  for (; i < nr; i++) {
    const d = yield* vswap_iter(k, ref, entry + i);
    if (!d || (!d.swapCount && !d.inSwapcache)) {
      ret = -ENOENT;
      break;
    }
    if (d.inSwapcache) {
      ret = -EEXIST;
      break;
    }
    d.inSwapcache = true;
    k.emitVirtual(heldCluster(k, ref), entry + i, 'CACHE_ADD', 'swapcache_prepare');
  }
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
  if (i && i < nr) yield* swapcache_clear(k, entry, i);
  if (i < nr && !ret) ret = -ENOENT;
  return ret;
}

/** swap_cache_add_folio: points the pinned slots at the folio, under the cluster lock with interrupts off. */
export function* swap_cache_add_folio(k: V6Kernel, folio: Folio, entry: SwpEntry): Task {
  k.warnOn(folio.swapcache, `swap_cache_add_folio: ${folio} already in the swap cache`);
  folio.refs += folio.nr;
  folio.swapcache = true;
  folio.swap = entry;
  yield* rcu_read_lock(k.m);
  const c = yield* clusterOf(k, entry, 'swap_cache_add_folio');
  yield* spin_lock_irq(k.m, c.lock);
  for (let i = 0; i < folio.nr; i++) {
    const d = descOf(k, c, entry + i, 'swap_cache_add_folio');
    const old = d.swapCache;
    k.warnOn(old !== null && !isShadow(old) && old !== folio, `swap_cache_add_folio: slot ${entry + i} holds ${old}`);
    d.swapCache = folio;
  }
  yield* spin_unlock_irq(k.m, c.lock);
  yield* rcu_read_unlock(k.m);
}

/** put_swap_folio: drops the swap-cache pin after the folio left the swap cache. */
export function* put_swap_folio(k: V6Kernel, folio: Folio, entry: SwpEntry): Task {
  yield* swapcache_clear(k, entry, folio.nr);
}

/** swap_cache_del_folio: takes a folio out of the swap cache (no shadow) and drops its pin. */
export function* swap_cache_del_folio(k: V6Kernel, folio: Folio): Task {
  const entry = folio.swap;
  k.warnOn(!folio.swapcache || folio.writeback, `swap_cache_del_folio: ${folio} not removable`);
  yield* rcu_read_lock(k.m);
  const c = yield* clusterOf(k, entry, 'swap_cache_del_folio');
  yield* spin_lock_irq(k.m, c.lock);
  for (let i = 0; i < folio.nr; i++) {
    const d = descOf(k, c, entry + i, 'swap_cache_del_folio');
    k.warnOn(d.swapCache !== folio, `swap_cache_del_folio: slot ${entry + i} does not hold ${folio}`);
    d.swapCache = null;
  }
  yield* spin_unlock_irq(k.m, c.lock);
  yield* rcu_read_unlock(k.m);
  folio.swap = 0;
  folio.swapcache = false;
  yield* put_swap_folio(k, folio, entry);
  folio.refs -= folio.nr;
}

/** swap_cache_lock_irq: the swap-cache lock of an entry is its vswap cluster's lock, taken with IRQs off. */
export function* swap_cache_lock_irq(k: V6Kernel, entry: SwpEntry): Task<VswapCluster> {
  yield* rcu_read_lock(k.m);
  const c = yield* clusterOf(k, entry, 'swap_cache_lock_irq');
  yield* spin_lock_irq(k.m, c.lock);
  yield* rcu_read_unlock(k.m);
  return c;
}
/** swap_cache_unlock_irq */
export function* swap_cache_unlock_irq(k: V6Kernel, entry: SwpEntry): Task {
  yield* rcu_read_lock(k.m);
  const c = yield* clusterOf(k, entry, 'swap_cache_unlock_irq');
  yield* spin_unlock_irq(k.m, c.lock);
  yield* rcu_read_unlock(k.m);
}

/**
 * __vswap_remove_mapping: reclaim's removal of a swap-cache folio: leaves a shadow, records the memcg (cgroup v1)
 * and drops the cache pin, freeing slots no PTE holds. Entered with the cluster lock held (IRQs off); unlocks.
 */
export function* __vswap_remove_mapping(k: V6Kernel, folio: Folio, entry: SwpEntry, shadow: number): Task {
  k.warnOn(!folio.swapcache || folio.writeback, `__vswap_remove_mapping: ${folio} not removable`);
  yield* rcu_read_lock(k.m);
  const c = yield* clusterOf(k, entry, '__vswap_remove_mapping');
  for (let i = 0; i < folio.nr; i++) {
    const d = descOf(k, c, entry + i, '__vswap_remove_mapping');
    k.warnOn(d.swapCache !== folio, `__vswap_remove_mapping: slot ${entry + i} does not hold ${folio}`);
    d.swapCache = { shadow };
  }
  yield* memcg1_swapout(k, folio, entry, c);
  yield* __swapcache_clear(k, c, entry, folio.nr, '__vswap_remove_mapping');
  yield* cluster_unlock_irq(k, c);
  yield* rcu_read_unlock(k.m);
  folio.swap = 0;
  folio.swapcache = false;
}

/** folio_free_swap: releases a locked folio's slots when no PTE refers to any of them and no write is in flight. */
export function* folio_free_swap(k: V6Kernel, folio: Folio): Task<boolean> {
  const entry = folio.swap;
  if (!folio.swapcache || folio.writeback || !entry) return false;
  yield* rcu_read_lock(k.m);
  const c = yield* clusterOf(k, entry, 'folio_free_swap');
  yield* spin_lock_irq(k.m, c.lock);
  for (let i = 0; i < folio.nr; i++) {
    const d = __vswap_iter(k, c, entry + i);
    if (d && d.swapCount) {
      yield* spin_unlock_irq(k.m, c.lock);
      yield* rcu_read_unlock(k.m);
      return false;
    }
  }
  for (let i = 0; i < folio.nr; i++) {
    const d = descOf(k, c, entry + i, 'folio_free_swap');
    k.warnOn(d.swapCache !== folio, `folio_free_swap: slot ${entry + i} does not hold ${folio}`);
    d.swapCache = null;
    d.inSwapcache = false;
    k.emitVirtual(c, entry + i, 'CACHE_DEL', 'folio_free_swap');
  }
  // fault 'free-swap-skips-uncharge': the v1 assumption that swap-in already moved the charge back
  yield* vswap_free_nr(k, c, entry, folio.nr, !k.faultOn('free-swap-skips-uncharge'));
  yield* cluster_unlock_irq(k, c);
  yield* rcu_read_unlock(k.m);
  folio.swap = 0;
  folio.swapcache = false;
  folio.refs -= folio.nr;
  folio.dirty = true;
  return true;
}

/** vswap_get_swap_cache: the swap-cache folio of a slot with a reference taken, or null. */
export function* vswap_get_swap_cache(k: V6Kernel, entry: SwpEntry, cacheOnly: boolean): Task<Folio | null> {
  for (;;) {
    const ref = noCluster();
    yield* rcu_read_lock(k.m);
    const d = yield* vswap_iter(k, ref, entry);
    if (!d) {
      yield* rcu_read_unlock(k.m);
      return null;
    }
    const folio = d.swapCache;
    if (!d.inSwapcache || folio === null || isShadow(folio) || (cacheOnly && d.swapCount)) {
      yield* vswap_iter_done(k, ref);
      yield* rcu_read_unlock(k.m);
      return null;
    }
    const got = yield* folio_try_get(k, folio);
    yield* vswap_iter_done(k, ref);
    yield* rcu_read_unlock(k.m);
    if (got) return folio;
  }
}

/** swap_cache_get_folio */
export function* swap_cache_get_folio(k: V6Kernel, entry: SwpEntry): Task<Folio | null> {
  return yield* vswap_get_swap_cache(k, entry, false);
}

/** What tryget_swap_entry hands back: the cluster is pinned; `si` is a best-effort device reference, or null. */
export type SwapEntryRef = SwapRef;

/**
 * tryget_swap_entry: pins the slot's cluster (not the slot's state) so lookups stay valid, then looks up the
 * backing and takes a reference on its device if it has one (swapoff waits for those). null if the cluster is
 * gone or not yet initialised (refcount 0).
 */
export function* tryget_swap_entry(k: V6Kernel, entry: SwpEntry): Task<SwapEntryRef | null> {
  yield* rcu_read_lock(k.m);
  const c = yield* xa_load(k, clusterIdx(entry, k.clusterSize));
  const ok = c !== null && (yield* refcount_inc_not_zero(k.m, c.refcnt));
  yield* rcu_read_unlock(k.m);
  if (!ok) return null;
  const slot = yield* swp_entry_to_swp_slot(k, entry);
  return { si: slot ? yield* swap_slot_tryget_swap_info(k, slot) : null };
}

/** put_swap_entry: drops the device reference and the cluster pin; the last pin frees the cluster. */
export function* put_swap_entry(k: V6Kernel, entry: SwpEntry, ref: SwapEntryRef): Task {
  if (ref.si) yield* swap_slot_put_swap_info(k, ref.si);
  yield* rcu_read_lock(k.m);
  const c = yield* clusterOf(k, entry, 'put_swap_entry');
  yield* spin_lock(k.m, c.lock);
  if (yield* refcount_dec_and_test(k.m, c.refcnt)) yield* vswap_cluster_free(k, c);
  yield* cluster_unlock(k, c);
  yield* rcu_read_unlock(k.m);
}
