// The physical side of the Swap Table Edition (mm/swapfile.c): a physical slot that backs a vswap slot holds only
// a reverse-map Pointer. Reclaiming it (when swap is full) and swapping its device off both go through the vswap
// slot's swap-cache folio, locked and re-validated against the reverse map.
import type { Folio } from '../mm/folio.ts';
import { folio_lock, folio_put, folio_trylock, folio_unlock, folio_wait_writeback } from '../mm/folio.ts';
import { folio_add_lru } from '../mm/lru.ts';
import { swap_read_folio } from '../mm/page_io.ts';
import type { Task } from '../sim.ts';
import { folio_matches_swap_entry } from '../swap.ts';
import type { SwapTableKernel } from '../swap_table/kernel.ts';
import { __swap_table_get, ci_off, swap_cluster_lock, swap_cluster_unlock, swap_table_get } from '../swap_table/lock.ts';
import { folio_free_swap } from '../swap_table/reclaim.ts';
import { __swap_cache_alloc_folio, swap_cache_get_folio } from '../swap_table/swap_state.ts';
import { swp_entry, swp_offset, swp_type, type SwapInfoStruct } from '../swap_table/types.ts';
import { folio_release_vswap_backing, vswap_to_phys } from './backing.ts';

/** Whether the vswap folio's slot `vEntry` is still backed by physical slot `offset` of si (folio locked). */
function* backs(k: SwapTableKernel, folio: Folio, vEntry: number, si: SwapInfoStruct, offset: number): Task<boolean> {
  const i = vEntry - folio.swap;
  const phys = yield* vswap_to_phys(k, folio.swap);
  return phys !== 0 && swp_type(phys) === si.type && swp_offset(phys) + i === offset && i >= 0 && i < folio.nr;
}

/**
 * The vswap entry a physical slot points back at, read under its cluster lock; 0 when it is not a Pointer.
 * Nothing pins the slot between the caller's unlocked sighting and the lock: if it was freed meanwhile and its
 * cluster emptied, the cluster's table is gone, and a table-less cluster reads as free. (The RFCs read with the bare
 * __swap_table_get here, which dereferences the NULL table: fault 'ste-rmap-read-no-table', found by this suite.)
 */
function* rmapOf(k: SwapTableKernel, si: SwapInfoStruct, offset: number, cacheOnly: boolean): Task<number> {
  const pci = yield* swap_cluster_lock(k, si, offset);
  if (!pci) return 0;
  if (!pci.table && !k.faultOn('ste-rmap-read-no-table')) {
    yield* swap_cluster_unlock(k, pci);
    return 0;
  }
  const tb = __swap_table_get(k, pci, ci_off(si, offset));
  yield* swap_cluster_unlock(k, pci);
  if (tb.kind !== 'ptr' || (cacheOnly && !tb.cacheOnly)) return 0;
  return swp_entry(k.vswap!.si.type, tb.voff);
}

/**
 * try_to_reclaim_vswap_backing: a cache-only Pointer slot's vswap folio is trylocked, re-validated, and freed from
 * swap (folio_free_swap frees the vswap slots, whose release frees this physical slot). nr, or -1.
 */
export function* try_to_reclaim_vswap_backing(k: SwapTableKernel, si: SwapInfoStruct, offset: number): Task<number> {
  const vEntry = yield* rmapOf(k, si, offset, true);
  if (!vEntry) return -1;
  const folio = yield* swap_cache_get_folio(k, vEntry);
  if (!folio) return -1;
  let ret = -1;
  if (yield* folio_trylock(k, folio)) {
    if (folio_matches_swap_entry(folio, vEntry) && (yield* backs(k, folio, vEntry, si, offset))) {
      const nr = folio.nr;
      if (yield* folio_free_swap(k, folio)) ret = nr;
    }
    yield* folio_unlock(k, folio);
  }
  folio_put(k, folio);
  return ret;
}

/**
 * try_to_unuse's vswap pass over a physical device: for every Pointer slot, the vswap slot's folio is found or read
 * in, locked, re-validated (it still is this slot's backing), and takes the data over: its backing is released
 * (the vswap slot's virtual table says NONE, the folio is dirty). PTEs are not touched.
 */
export function* try_to_unuse_vswap(k: SwapTableKernel, si: SwapInfoStruct): Task {
  for (let off = 1; off < si.slots && si.inuse > 0; off++) {
    const tb = yield* swap_table_get(k, si, off);
    if (tb.kind !== 'ptr') continue;
    const vEntry = yield* rmapOf(k, si, off, false);
    if (!vEntry) continue;
    let folio = yield* swap_cache_get_folio(k, vEntry);
    if (!folio) {
      const got = yield* __swap_cache_alloc_folio(k, vEntry, 'recorded');
      if (typeof got === 'number') continue;
      yield* folio_add_lru(k, got);
      // the read resolves the vswap slot's physical backing: this device's slot being evacuated
      yield* swap_read_folio(k, got);
      folio = got;
    }
    yield* folio_lock(k, folio);
    if (folio_matches_swap_entry(folio, vEntry) && (yield* backs(k, folio, vEntry, si, off))) {
      yield* folio_wait_writeback(k, folio);
      yield* folio_release_vswap_backing(k, folio, 'try_to_unuse', true);
      folio.dirty = true;
    }
    yield* folio_unlock(k, folio);
    folio_put(k, folio);
  }
}
