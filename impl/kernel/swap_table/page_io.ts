// Swap I/O for slots PTEs refer to directly (mm/page_io.c on mainline's swap table): swap_writeout's choice (no
// PTE left, zero page via the table's zero flag, zswap, a write to the slot itself) and swap_read_folio's look-up.
import type { Folio } from '../mm/folio.ts';
import { folio_unlock, is_folio_zero_filled } from '../mm/folio.ts';
import { __swap_writepage, type WriteoutResult } from '../mm/page_io.ts';
import { zswap_store } from '../mm/zswap.ts';
import type { Task } from '../sim.ts';
import type { SwapReadSource } from '../swap.ts';
import { emitCi, emitSlot } from './instrument.ts';
import type { SwapTableKernel } from './kernel.ts';
import { __swap_table_get, __swap_table_set, ci_off, swap_cluster_lock, swap_cluster_unlock, swap_table_get } from './lock.ts';
import { folio_free_swap } from './reclaim.ts';
import type { SwpTb } from './types.ts';

/**
 * swap_zeromap_folio_set / _clear: the zero flag of every slot of a locked swap-cache folio, under the folio's
 * cluster lock (swap_cluster_get_and_lock). With the STE a vswap slot's backing is released first (zero needs none).
 */
export function* swap_zeromap_folio_update(k: SwapTableKernel, folio: Folio, zero: boolean): Task {
  const { si, off } = k.entryInfo(folio.swap);
  const ci = yield* swap_cluster_lock(k, si, off);
  if (!ci) return k.m.fail('bug', `swap_zeromap_folio_update: ${folio}'s cluster is gone`);
  const start = ci_off(si, off);
  if (zero && si.vswap) yield* k.vswap!.__vswap_release_backing(ci, start, folio.nr);
  for (let i = 0; i < folio.nr; i++) {
    const tb = __swap_table_get(k, ci, start + i) as Extract<SwpTb, { kind: 'pfn' }>;
    const was = tb.zero;
    if (was === zero && !zero) continue;
    __swap_table_set(k, ci, start + i, { ...tb, zero });
    if (!si.vswap) si.written[off + i] = false;
    if (zero) emitCi(k, si, ci, start + i, 'STORE_ZERO', 'swap_zeromap_folio_set');
    else emitCi(k, si, ci, start + i, 'STORE_FOLIO', 'swap_zeromap_folio_clear');
  }
  yield* swap_cluster_unlock(k, ci);
}

/**
 * swap_writeout (a physical entry): a locked, clean-for-io swap-cache folio is freed from swap when no PTE holds it,
 * marked zero, stored in zswap, or written to its own slot (the completion comes from an interrupt).
 */
export function* swap_writeout(k: SwapTableKernel, folio: Folio): Task<WriteoutResult> {
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
  if (yield* zswap_store(k, folio)) {
    yield* folio_unlock(k, folio);
    return 'success';
  }
  const { si, off } = k.entryInfo(folio.swap);
  // the data is on its way to the device from here (instrumentation: the slot's backing is now the device)
  for (let i = 0; i < folio.nr; i++) {
    si.written[off + i] = true;
    emitSlot(k, si, off + i, 'STORE_SWAPFILE', 'swap_writeout');
  }
  yield* __swap_writepage(k, folio, { dev: si.index, offset: off });
  return 'success';
}

/** swap_read_folio's look-up for a physical entry: the zero flag, then zswap's tree, then the device. */
export function* swap_read_source(k: SwapTableKernel, folio: Folio): Task<SwapReadSource> {
  const { si, off } = k.entryInfo(folio.swap);
  // swap_zeromap_batch: a lockless read of the zero flag (the folio lock keeps it stable)
  const tb = yield* swap_table_get(k, si, off);
  for (let i = 0; i < folio.nr; i++) emitSlot(k, si, off + i, 'LOAD', 'swap_read_folio');
  if (tb.kind === 'pfn' && tb.zero) return { kind: 'zero' };
  if (si.zswapTree.has(off)) return { kind: 'zswap' };
  return { kind: 'disk', dev: si.index, offset: off };
}
