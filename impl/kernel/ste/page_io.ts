// Swap I/O and zswap for vswap slots (the STE's mm/page_io.c and mm/zswap.c branches): writeout keeps a physical
// run, drops other stale backing, tries zswap, and only then gives the slots physical backing (folio_realloc_swap);
// reads resolve the virtual table; zswap writeback installs the physical slot before decompressing and puts zswap
// back if decompression fails.
import type { Folio } from '../mm/folio.ts';
import { folio_put, folio_unlock, is_folio_zero_filled } from '../mm/folio.ts';
import { folio_add_lru } from '../mm/lru.ts';
import { __swap_writepage, type WriteoutResult } from '../mm/page_io.ts';
import { zswap_decompress_for_writeback, zswap_entry_free, zswap_store } from '../mm/zswap.ts';
import type { ZswapEntry } from '../mm/zswap_types.ts';
import type { Task } from '../sim.ts';
import { EIO, ENOENT, ENOMEM, type SwapReadSource, type SwpEntry } from '../swap.ts';
import { emitSlot } from '../swap_table/instrument.ts';
import type { SwapTableKernel } from '../swap_table/kernel.ts';
import { __swap_table_get, swap_cluster_unlock } from '../swap_table/lock.ts';
import { swap_zeromap_folio_update } from '../swap_table/page_io.ts';
import { folio_free_swap } from '../swap_table/reclaim.ts';
import { __swap_cache_alloc_folio, swap_cache_del_folio } from '../swap_table/swap_state.ts';
import { swp_offset, swp_type } from '../swap_table/types.ts';
import { __vtable_get, folio_realloc_swap, folio_release_non_phys_swap_backing, vswap_lock_cluster, vswap_zswap_load, vswap_zswap_store } from './backing.ts';

/** The physical slot behind a physical entry, as __swap_writepage_phys addresses it. */
function physSlot(k: SwapTableKernel, phys: SwpEntry): { dev: number; offset: number } {
  return { dev: k.swapInfo(swp_type(phys))!.index, offset: swp_offset(phys) };
}

/** swap_writeout for a vswap folio: no PTE left, zero, zswap, else a physical slot (kept from before, or new). */
export function* swap_writeout_vswap(k: SwapTableKernel, folio: Folio): Task<WriteoutResult> {
  if (yield* folio_free_swap(k, folio)) {
    yield* folio_unlock(k, folio);
    return 'success';
  }
  if (is_folio_zero_filled(folio)) {
    yield* swap_zeromap_folio_update(k, folio, true);
    yield* folio_unlock(k, folio);
    return 'success';
  }
  yield* swap_zeromap_folio_update(k, folio, false);
  yield* folio_release_non_phys_swap_backing(k, folio, 'swap_writeout');
  if (yield* zswap_store(k, folio)) {
    yield* folio_unlock(k, folio);
    return 'success';
  }
  const phys = yield* folio_realloc_swap(k, folio);
  if (!phys) {
    folio.dirty = true;
    return 'activate';
  }
  yield* __swap_writepage(k, folio, physSlot(k, phys));
  return 'success';
}

/** swap_read_folio's look-up for a vswap folio: zero flag, zswap, or the physical slot (vswap_to_phys). */
export function* swap_read_source_vswap(k: SwapTableKernel, folio: Folio): Task<SwapReadSource> {
  const l = yield* vswap_lock_cluster(k, folio.swap);
  if (!l) return k.m.fail('bug', `swap_read_folio: ${folio}'s vswap cluster is gone`);
  const vt = __vtable_get(k, l.ci, l.voff);
  const tb = __swap_table_get(k, l.ci, l.voff);
  for (let i = 0; i < folio.nr; i++) emitSlot(k, k.vswap!.si, swp_offset(folio.swap) + i, 'LOAD', 'swap_read_folio');
  yield* swap_cluster_unlock(k, l.ci);
  if (tb.kind === 'pfn' && tb.zero) return { kind: 'zero' };
  if (vt.tag === 'ZSWAP') return { kind: 'zswap' };
  if (vt.tag === 'SWAPFILE') return { kind: 'disk', ...physSlot(k, swp_entry_of(vt)) };
  return { kind: 'none', why: 'virtual table NONE and no zero flag: the data was lost' };
}

const swp_entry_of = (vt: { type: number; offset: number }): SwpEntry => vt.type * 2 ** 16 + vt.offset;

/**
 * zswap_writeback_entry for a vswap slot: a new swap-cache folio; the object re-checked against the virtual table;
 * the physical slot installed (ZSWAP -> SWAPFILE) before decompression; on failure the zswap backing restored; on
 * success the write issued and only then the object freed.
 */
export function* zswap_writeback_vswap(k: SwapTableKernel, ze: ZswapEntry, swp: SwpEntry): Task<number> {
  const got = yield* __swap_cache_alloc_folio(k, swp, 'recorded');
  if (typeof got === 'number') return got === -ENOENT ? -ENOENT : got;
  const folio = got;
  let ret = 0;
  if ((yield* vswap_zswap_load(k, swp)) !== ze) {
    ret = -ENOMEM;
  } else {
    const phys = yield* folio_realloc_swap(k, folio);
    if (!phys) {
      ret = -ENOMEM;
    } else if (!zswap_decompress_for_writeback(k, ze, folio)) {
      ret = -EIO;
      // fault 'ste-writeback-no-restore': the slot is left pointing at a physical slot that was never written
      if (!k.faultOn('ste-writeback-no-restore')) yield* vswap_zswap_store(k, swp, ze, 'zswap_writeback_entry');
    } else {
      folio.uptodate = true;
      yield* folio_add_lru(k, folio);
      yield* __swap_writepage(k, folio, physSlot(k, phys));
      yield* zswap_entry_free(k, ze);
    }
  }
  if (ret) {
    yield* swap_cache_del_folio(k, folio);
    yield* folio_unlock(k, folio);
  }
  folio_put(k, folio);
  return ret;
}
