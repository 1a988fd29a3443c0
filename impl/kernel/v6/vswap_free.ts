// Reference drops and freeing (mm/vswap.c): release_backing, vswap_free_nr, the PUT path shared by zap and
// swap-in (vswap_free_nr_any_cache_only / swap_free_nr), DUP (swap_duplicate_nr) and free_swap_and_cache_nr.
import type { PhysSlotId } from '../../../model/events.ts';
import { folio_put, folio_trylock, folio_unlock } from '../mm/folio.ts';
import type { V6Kernel } from './design.ts';
import type { MemCgroup } from '../mm/memcontrol.ts';
import { mem_cgroup_from_id, mem_cgroup_uncharge_swap } from '../mm/memcontrol.ts';
import type { Task } from '../sim.ts';
import { EEXIST, ENOENT } from '../swap.ts';

export { EEXIST, ENOENT };
import { rcu_read_lock, rcu_read_unlock, sched, spin_lock } from '../sim.ts';
import { swap_slot_free_nr } from './swapfile.ts';
import { release_vswap_slot_nr } from './vswap_alloc.ts';
import { folio_free_swap, folio_matches_swap_entry, vswap_get_swap_cache } from './vswap_cache.ts';
import { __vswap_iter, cluster_unlock, heldCluster, noCluster, vswap_iter, vswap_iter_done } from './vswap_iter.ts';
import { __vswap_swap_cgroup_clear } from './vswap_memcg.ts';
import type { SwpDesc, SwpEntry, VswapCluster } from './vswap_types.ts';
import { clearBacking, idxWithin, isShadow } from './vswap_types.ts';
import { zswap_entry_free } from '../mm/zswap.ts';

/** The descriptor of an allocated slot in a cluster whose lock the caller holds; a missing one is a kernel bug. */
export function descOf(k: V6Kernel, c: VswapCluster, i: SwpEntry, who: string): SwpDesc {
  const d = __vswap_iter(k, c, i);
  if (!d) return k.m.fail('bug', `VM_WARN_ON: ${who}: virtual slot ${i} is not allocated`);
  return d;
}

/**
 * release_backing: frees the backing of nr slots of one cluster (zswap objects; physical slots, contiguous ones
 * in one swap_slot_free_nr) and uncharges swap. The cluster lock is held throughout (v6).
 */
export function* release_backing(
  k: V6Kernel,
  c: VswapCluster,
  entry: SwpEntry,
  nr: number,
  memcg: MemCgroup | null,
  uncharge = true,
): Task {
  k.warnOn(!entry, 'release_backing of entry 0');
  let run: { dev: number; start: number; end: number } | null = null;
  let flush: { slot: PhysSlotId; nr: number } | null = null;
  let batchMemcgid = 0;
  let nrSwapfile = 0;
  for (let i = 0; i < nr; i++) {
    const d = descOf(k, c, entry + i, 'release_backing');
    if (i === 0 && !memcg) batchMemcgid = d.memcgid;
    if (run && (d.type !== 'SWAPFILE' || !d.slot || d.slot.dev !== run.dev || d.slot.offset !== run.end)) {
      flush = { slot: { dev: run.dev, offset: run.start }, nr: run.end - run.start };
      run = null;
    }
    if (d.type === 'ZSWAP' && d.zswapEntry) {
      yield* zswap_entry_free(k, d.zswapEntry);
    } else if (d.type === 'SWAPFILE' && d.slot) {
      nrSwapfile++;
      if (!run) run = { dev: d.slot.dev, start: d.slot.offset, end: d.slot.offset + 1 };
      else run.end++;
    }
    clearBacking(d);
    if (flush) {
      yield* swap_slot_free_nr(k, flush.slot, flush.nr);
      flush = null;
    }
  }
  if (run) yield* swap_slot_free_nr(k, { dev: run.dev, offset: run.start }, run.end - run.start);
  if (!uncharge || (!k.memsw && !nrSwapfile)) return;
  if (!memcg && batchMemcgid) memcg = mem_cgroup_from_id(k, batchMemcgid);
  mem_cgroup_uncharge_swap(k, memcg, k.memsw ? nr : nrSwapfile);
}

/**
 * vswap_free_nr: releases nr slots whose last reference went; cluster lock held throughout. `uncharge` false is
 * only the faulty folio_free_swap of 'free-swap-skips-uncharge'.
 */
export function* vswap_free_nr(k: V6Kernel, c: VswapCluster, entry: SwpEntry, nr: number, uncharge = true): Task {
  const d = descOf(k, c, entry, 'vswap_free_nr');
  const memcg = mem_cgroup_from_id(k, d.memcgid);
  yield* release_backing(k, c, entry, nr, memcg, uncharge);
  __vswap_swap_cgroup_clear(k, c, entry, nr, memcg);
  yield* release_vswap_slot_nr(k, c, entry, nr);
}

/**
 * vswap_free_nr_any_cache_only: drops one PTE reference from each of nr slots, frees those that reach zero
 * (batches break at cluster and memcg boundaries) and reports whether any is now held by the swap cache only.
 */
export function* vswap_free_nr_any_cache_only(k: V6Kernel, entry: SwpEntry, nr: number): Task<boolean> {
  const ref = noCluster();
  const racyRecheck = k.faultOn('double-free');
  const decremented: { c: VswapCluster; d: SwpDesc; e: SwpEntry }[] = [];
  let ret = false;
  let freeStart = 0;
  let freeNr = 0;
  let batchMemcgid = 0;
  yield* rcu_read_lock(k.m);
  for (let i = 0; i < nr; i++, entry++) {
    // fault 'free-batch-cluster-boundary': the pending run is carried into the next cluster
    if (freeNr && idxWithin(entry, k.clusterSize) === 0 && !k.faultOn('free-batch-cluster-boundary')) {
      yield* vswap_free_nr(k, heldCluster(k, ref), freeStart, freeNr);
      freeNr = 0;
    }
    const d = yield* vswap_iter(k, ref, entry);
    if (!d) return k.m.fail('bug', `VM_WARN_ON: swap_free_nr: virtual slot ${entry} is not allocated`);
    const c = heldCluster(k, ref);
    ret ||= d.swapCount === 1 && d.inSwapcache;
    d.swapCount--;
    k.emitVirtual(c, entry, 'PUT', 'swap_free_nr');
    if (racyRecheck) {
      decremented.push({ c, d, e: entry });
      continue;
    }
    if (!d.swapCount && !d.inSwapcache) {
      if (isShadow(d.swapCache)) d.swapCache = null;
      if (freeNr && d.memcgid !== batchMemcgid) {
        yield* vswap_free_nr(k, c, freeStart, freeNr);
        freeNr = 0;
      }
      if (!freeNr) batchMemcgid = d.memcgid;
      if (!freeNr++) freeStart = entry;
    } else if (freeNr) {
      yield* vswap_free_nr(k, c, freeStart, freeNr);
      freeNr = 0;
    }
  }
  if (freeNr) yield* vswap_free_nr(k, heldCluster(k, ref), freeStart, freeNr);
  yield* vswap_iter_done(k, ref);
  // fault 'double-free': the free decision is taken from a read made after the lock was dropped
  for (const { c, d, e } of decremented) {
    yield* sched(k.m, `swap_free_nr: recheck slot ${e} unlocked`);
    if (d.swapCount || d.inSwapcache) continue;
    yield* spin_lock(k.m, c.lock);
    yield* vswap_free_nr(k, c, e, 1);
    yield* cluster_unlock(k, c);
  }
  yield* rcu_read_unlock(k.m);
  return ret;
}

/** swap_free_nr: one PTE reference less on each of nr contiguous slots. */
export function* swap_free_nr(k: V6Kernel, entry: SwpEntry, nr: number): Task {
  yield* vswap_free_nr_any_cache_only(k, entry, nr);
}

/** swap_duplicate_nr: one PTE reference more on each of nr slots; -ENOENT (and rollback) on a dead slot. */
export function* swap_duplicate_nr(k: V6Kernel, entry: SwpEntry, nr: number): Task<number> {
  const ref = noCluster();
  let i = 0;
  yield* rcu_read_lock(k.m);
  for (; i < nr; i++) {
    const d = yield* vswap_iter(k, ref, entry + i);
    if (!d || (!d.swapCount && !d.inSwapcache)) break;
    d.swapCount++;
    k.emitVirtual(heldCluster(k, ref), entry + i, 'DUP', 'swap_duplicate_nr');
  }
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
  if (i && i < nr) yield* swap_free_nr(k, entry, i);
  return i === nr ? 0 : -ENOENT;
}


/** free_swap_and_cache_nr: drops PTE references and reclaims swap-cache folios left holding the only one. */
export function* free_swap_and_cache_nr(k: V6Kernel, entry: SwpEntry, nr: number): Task {
  if (!(yield* vswap_free_nr_any_cache_only(k, entry, nr))) return;
  let i = 0;
  while (i < nr) {
    let incr = 1;
    const folio = yield* vswap_get_swap_cache(k, entry, true);
    if (folio) {
      if (!(yield* folio_trylock(k, folio))) {
        folio_put(k, folio);
      } else if (!folio_matches_swap_entry(folio, entry)) {
        yield* folio_unlock(k, folio);
        folio_put(k, folio);
      } else {
        // folios are naturally aligned in swap: skip to the end of this one
        incr = Math.ceil((entry + 1) / folio.nr) * folio.nr - entry;
        yield* folio_free_swap(k, folio);
        yield* folio_unlock(k, folio);
        folio_put(k, folio);
      }
    }
    i += incr;
    entry += incr;
  }
}
