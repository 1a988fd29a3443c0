// The swap cache on the swap table (mm/swap_state.c): a cached slot's entry holds the folio (PFN entry); lookups are
// lockless (RCU + an atomic read + folio_try_get) and re-validated by the caller under the folio lock; adding and
// deleting need the folio lock first, then ci->lock. Swap-in claims a slot by adding a new locked folio.
import type { Folio } from '../mm/folio.ts';
import { folio_alloc, folio_put, folio_try_get } from '../mm/folio.ts';
import { folio_add_lru } from '../mm/lru.ts';
import { memcg1_swapin, memcg1_swapout } from '../mm/memcontrol.ts';
import { swap_read_folio } from '../mm/page_io.ts';
import type { Task } from '../sim.ts';
import { __set_bit_locked, test_bit_locked } from '../sim.ts';
import { EEXIST, ENOENT, type SwapRef, type SwpEntry } from '../swap.ts';
import { emitCi } from './instrument.ts';
import type { SwapTableKernel } from './kernel.ts';
import { __swap_cluster_free_entries } from './free.ts';
import { __swap_table_get, __swap_table_set, ci_off, swap_cluster_lock, swap_cluster_unlock, swap_table_get } from './lock.ts';
import { __swap_cgroup_get } from './memcg.ts';
import { folio_to_swp_tb, shadow_to_swp_tb, swp_entry, swp_offset, swp_tb_get_count, type SwapClusterInfo, type SwapInfoStruct } from './types.ts';

/** swap_cache_get_folio: the folio caching entry with a reference taken, or null; the caller locks and re-checks. */
export function* swap_cache_get_folio(k: SwapTableKernel, entry: SwpEntry): Task<Folio | null> {
  const { si, off } = k.entryInfo(entry);
  for (;;) {
    const tb = yield* swap_table_get(k, si, off);
    if (tb.kind !== 'pfn') return null;
    if (yield* folio_try_get(k, tb.folio)) return tb.folio;
  }
}

/** __swap_cache_add_check (order 0): -ENOENT (no table, or count 0), -EEXIST (cached); else the slot's memcg id. */
function __swap_cache_add_check(k: SwapTableKernel, ci: SwapClusterInfo, off: number): { err: number; memcgid: number } {
  if (!ci.table) return { err: -ENOENT, memcgid: 0 };
  const tb = __swap_table_get(k, ci, off);
  if (tb.kind === 'pfn') return { err: -EEXIST, memcgid: 0 };
  if (swp_tb_get_count(tb) <= 0) return { err: -ENOENT, memcgid: 0 };
  return { err: 0, memcgid: __swap_cgroup_get(k, ci, off) };
}

/** __swap_cache_do_add_folio: the slots' entries become PFN entries of the locked folio (count and zero kept). */
export function __swap_cache_do_add_folio(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, folio: Folio, entry: SwpEntry): void {
  k.warnOn(!test_bit_locked(k.m, folio.lock) || folio.swapcache, `__swap_cache_do_add_folio: ${folio} not locked or already cached`);
  const off = ci_off(si, swp_offset(entry));
  for (let i = 0; i < folio.nr; i++) {
    const old = __swap_table_get(k, ci, off + i);
    k.warnOn(old.kind === 'pfn', `__swap_cache_do_add_folio: slot ${off + i} already cached`);
    __swap_table_set(k, ci, off + i, folio_to_swp_tb(folio, old));
  }
  folio.refs += folio.nr;
  folio.swapcache = true;
  folio.swap = entry;
  for (let i = 0; i < folio.nr; i++) emitCi(k, si, ci, off + i, 'CACHE_ADD', '__swap_cache_do_add_folio');
}

/**
 * __swap_cache_do_del_folio: the folio's PFN entries become shadows (count and zero kept); slots with count 0 are
 * freed right here (all in one batch when none has a count). The folio's references are the caller's to drop.
 */
function* __swap_cache_do_del_folio(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, folio: Folio, entry: SwpEntry, shadow: number, by: string): Task {
  k.warnOn(!test_bit_locked(k.m, folio.lock) || !folio.swapcache || folio.writeback, `__swap_cache_do_del_folio: ${folio} not removable`);
  const off = ci_off(si, swp_offset(entry));
  let swapped = false;
  let needFree = false;
  for (let i = 0; i < folio.nr; i++) {
    const tb = __swap_table_get(k, ci, off + i);
    k.warnOn(tb.kind !== 'pfn' || tb.folio !== folio, `__swap_cache_do_del_folio: slot ${off + i} does not hold ${folio}`);
    if (swp_tb_get_count(tb) > 0) swapped = true;
    else needFree = true;
    __swap_table_set(k, ci, off + i, shadow_to_swp_tb(shadow, tb));
  }
  folio.swap = 0;
  folio.swapcache = false;
  for (let i = 0; i < folio.nr; i++) emitCi(k, si, ci, off + i, 'CACHE_DEL', by);
  if (!swapped) {
    yield* __swap_cluster_free_entries(k, si, ci, off, folio.nr);
  } else if (needFree) {
    for (let i = 0; i < folio.nr; i++) {
      if (swp_tb_get_count(__swap_table_get(k, ci, off + i)) === 0) yield* __swap_cluster_free_entries(k, si, ci, off + i, 1);
    }
  }
}

/** __swap_cache_del_folio: reclaim's delete (swapout) records the memcg on cgroup v1 first; ci locked, IRQs off. */
export function* __swap_cache_del_folio(k: SwapTableKernel, ci: SwapClusterInfo, folio: Folio, entry: SwpEntry, shadow: number, swapout: boolean): Task {
  const { si } = k.entryInfo(entry);
  if (swapout) yield* memcg1_swapout(k, folio, entry, ci);
  yield* __swap_cache_do_del_folio(k, si, ci, folio, entry, shadow, swapout ? '__remove_mapping' : 'swap_cache_del_folio');
}

/** swap_cache_del_folio: takes a locked folio out of the swap cache (no shadow) and drops the cache's references. */
export function* swap_cache_del_folio(k: SwapTableKernel, folio: Folio): Task {
  const entry = folio.swap;
  const { si, off } = k.entryInfo(entry);
  const ci = yield* swap_cluster_lock(k, si, off);
  if (!ci) return k.m.fail('bug', `swap_cache_del_folio: ${folio}'s cluster is gone`);
  yield* __swap_cache_del_folio(k, ci, folio, entry, 0, false);
  yield* swap_cluster_unlock(k, ci);
  folio.refs -= folio.nr;
}

/**
 * __swap_cache_alloc_folio (order 0): checks the slot, allocates a folio with no lock held, re-checks and adds it
 * locked under ci->lock, then charges it (to the memcg recorded for the slot, else the faulting mm's) and runs
 * memcg1_swapin. Returns the locked folio (not on the LRU, not read), or -ENOENT / -EEXIST.
 */
export function* __swap_cache_alloc_folio(k: SwapTableKernel, entry: SwpEntry, memcg: number | 'recorded'): Task<Folio | number> {
  const { si, off } = k.entryInfo(entry);
  let ci = yield* swap_cluster_lock(k, si, off);
  if (!ci) return -ENOENT;
  const first = __swap_cache_add_check(k, ci, ci_off(si, off));
  yield* swap_cluster_unlock(k, ci);
  if (first.err) return first.err;
  const folio = folio_alloc(k, 0, 0);
  ci = yield* swap_cluster_lock(k, si, off);
  if (!ci) {
    folio_put(k, folio);
    return -ENOENT;
  }
  const again = __swap_cache_add_check(k, ci, ci_off(si, off));
  if (again.err) {
    yield* swap_cluster_unlock(k, ci);
    folio_put(k, folio);
    return again.err;
  }
  __set_bit_locked(k.m, folio.lock);
  __swap_cache_do_add_folio(k, si, ci, folio, swp_entry(si.type, off));
  yield* swap_cluster_unlock(k, ci);
  // mem_cgroup_swapin_charge_folio: the recorded memcg when it is online (always, here), else the mm's
  folio.memcg = again.memcgid || (memcg === 'recorded' ? 0 : memcg);
  yield* memcg1_swapin(k, entry, 1);
  return folio;
}

/**
 * swap_cache_read_folio (swapin_sync at order 0): the cached folio if there is one, else a new one added, put on the
 * LRU and read in (unlocked on return); -EEXIST from a racing add means "look again". On -ENOENT the caller's
 * device reference is dropped, as the shared mm code expects.
 */
export function* swap_cache_read_folio(k: SwapTableKernel, entry: SwpEntry, ref: SwapRef, memcg: number | 'recorded'): Task<Folio | number> {
  for (;;) {
    const cached = yield* swap_cache_get_folio(k, entry);
    if (cached) return cached;
    const got = yield* __swap_cache_alloc_folio(k, entry, memcg);
    if (got === -EEXIST) continue;
    if (typeof got === 'number') {
      yield* k.swap.put_swap_device(entry, ref);
      return got;
    }
    yield* folio_add_lru(k, got);
    yield* swap_read_folio(k, got);
    return got;
  }
}

