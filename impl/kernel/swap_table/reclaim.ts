// Dropping swap-cache folios that no PTE needs (mm/swapfile.c): folio_free_swap for a locked folio whose slots all
// have count 0, and __try_to_reclaim_swap, which finds the folio of a slot, trylocks it and re-checks.
import type { Folio } from '../mm/folio.ts';
import { folio_put, folio_trylock, folio_unlock } from '../mm/folio.ts';
import { mem_cgroup_from_id } from '../mm/memcontrol.ts';
import type { Task } from '../sim.ts';
import { rcu_read_lock, rcu_read_unlock } from '../sim.ts';
import { folio_matches_swap_entry } from '../swap.ts';
import type { SwapTableKernel } from './kernel.ts';
import { __swap_table_get, ci_off, swap_cluster_lock, swap_cluster_unlock } from './lock.ts';
import { swap_cache_del_folio, swap_cache_get_folio } from './swap_state.ts';
import { swp_entry, swp_offset, swp_tb_get_count, type SwapInfoStruct } from './types.ts';

export const TTRS_ANYWAY = 1;
export const TTRS_UNMAPPED = 2;
export const TTRS_FULL = 4;

/** folio_swapcache_freeable: locked (caller), in the swap cache, not under writeback. */
export function folio_swapcache_freeable(folio: Folio): boolean {
  return folio.swapcache && !folio.writeback;
}

/** mem_cgroup_swap_full: swap is more than half used, globally or in the folio's memcg (v2 memory.swap.max). */
export function mem_cgroup_swap_full(k: SwapTableKernel, folio: Folio): boolean {
  if (k.vm_swap_full()) return true;
  const memcg = mem_cgroup_from_id(k, folio.memcg);
  return !k.memsw && memcg !== null && memcg.swapMax < Number.MAX_SAFE_INTEGER && memcg.swapCharge * 2 >= memcg.swapMax;
}

/**
 * folio_maybe_swapped: any slot of the locked folio with a count, read under RCU only (a false positive is possible
 * with a racing put; a false negative is not, since 0 -> 1 needs the folio lock).
 */
function* folio_maybe_swapped(k: SwapTableKernel, folio: Folio): Task<boolean> {
  const { si, off } = k.entryInfo(folio.swap);
  yield* rcu_read_lock(k.m);
  const ci = si.cluster(off);
  let swapped = false;
  // lockless reads of the table pointer (which changes only with touchGuarded(ci->lock)) and, at a point of their
  // own, of the counts (whose locked writes each access the table's memory, as this read does)
  if (ci) k.m.touchGuarded(ci.lock);
  if (ci?.table) {
    yield* k.m.pointShared(`folio_maybe_swapped ${folio}`, ci.lock);
    const table = ci.table;
    // (the locked folio keeps its slots, so their cluster keeps its table)
    if (!table || !ci.tableMem) return k.m.fail('bug', `NULL pointer dereference: folio_maybe_swapped on cluster ${ci.id}, which has no table`);
    k.m.access(ci.tableMem, `swap table of cluster ${ci.id} (RCU reader)`);
    for (let i = 0; i < folio.nr; i++) if (swp_tb_get_count(table[ci_off(si, off) + i]!) > 0) swapped = true;
  }
  yield* rcu_read_unlock(k.m);
  return swapped;
}

/** folio_free_swap: releases a locked folio's slots when no PTE holds any of them and no write is in flight. */
export function* folio_free_swap(k: SwapTableKernel, folio: Folio): Task<boolean> {
  if (!folio_swapcache_freeable(folio) || (yield* folio_maybe_swapped(k, folio))) return false;
  yield* swap_cache_del_folio(k, folio);
  folio.dirty = true;
  return true;
}

/**
 * __try_to_reclaim_swap: the swap-cache folio of a slot is dropped if it may be (flags) and every slot of it has
 * count 0. Never sleeps on the folio lock (callers may hold other locks). +nr reclaimed, -nr not, 0 no folio.
 */
export function* __try_to_reclaim_swap(k: SwapTableKernel, si: SwapInfoStruct, offset: number, flags: number): Task<number> {
  for (;;) {
    const entry = swp_entry(si.type, offset);
    const folio = yield* swap_cache_get_folio(k, entry);
    if (!folio) return 0;
    let ret = -folio.nr;
    if (!(yield* folio_trylock(k, folio))) {
      folio_put(k, folio);
      return ret;
    }
    if (!folio_matches_swap_entry(folio, entry)) {
      yield* folio_unlock(k, folio);
      folio_put(k, folio);
      continue;
    }
    const head = swp_offset(folio.swap);
    const need =
      (flags & TTRS_ANYWAY) !== 0 ||
      ((flags & TTRS_UNMAPPED) !== 0 && folio.mapcount === 0) ||
      ((flags & TTRS_FULL) !== 0 && mem_cgroup_swap_full(k, folio));
    if (need && folio_swapcache_freeable(folio)) {
      // swap_only_has_cache: the count of every slot is 0 (0 -> 1 needs the folio lock, which we hold)
      const ci = yield* swap_cluster_lock(k, si, head);
      let only = ci !== null;
      if (ci) {
        for (let i = 0; i < folio.nr; i++) {
          const tb = __swap_table_get(k, ci, ci_off(si, head) + i);
          k.warnOn(tb.kind !== 'pfn', `__try_to_reclaim_swap: slot ${head + i} of ${folio} is ${tb.kind}`);
          if (swp_tb_get_count(tb) !== 0) only = false;
        }
        yield* swap_cluster_unlock(k, ci);
      }
      if (only) {
        yield* swap_cache_del_folio(k, folio);
        folio.dirty = true;
        ret = folio.nr;
      }
    }
    yield* folio_unlock(k, folio);
    folio_put(k, folio);
    return ret;
  }
}
