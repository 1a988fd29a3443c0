// The vswap series' side of swap I/O (mm/page_io.c on v6): swap_writeout chooses the backing of a folio being
// reclaimed (no PTE left, zero page, zswap, a physical slot), and swap_read_folio's look-up of the descriptor.
import type { Folio } from '../mm/folio.ts';
import { folio_unlock, is_folio_zero_filled } from '../mm/folio.ts';
import { __swap_writepage, type WriteoutResult } from '../mm/page_io.ts';
import { zswap_store } from '../mm/zswap.ts';
import type { Task } from '../sim.ts';
import { rcu_read_lock, rcu_read_unlock } from '../sim.ts';
import type { SwapReadSource } from '../swap.ts';
import type { V6Kernel } from './design.ts';
import { folio_free_swap } from './vswap_cache.ts';
import { swap_zeromap_folio_set, vswap_alloc_swap_slot, vswap_prepare_writeout } from './vswap_backing.ts';
import { heldCluster, noCluster, vswap_iter, vswap_iter_done } from './vswap_iter.ts';
import { clusterIdx } from './vswap_types.ts';

/**
 * swap_writeout: a locked, clean-for-io swap-cache folio gets its backing: none needed (no PTE left), zero page,
 * zswap, or a physical slot written asynchronously. 'activate' when nothing can back it (the folio stays dirty).
 */
export function* swap_writeout(k: V6Kernel, folio: Folio): Task<WriteoutResult> {
  if (yield* folio_free_swap(k, folio)) {
    yield* folio_unlock(k, folio);
    return 'success';
  }
  if (is_folio_zero_filled(folio)) {
    yield* swap_zeromap_folio_set(k, folio);
    yield* folio_unlock(k, folio);
    return 'success';
  }
  yield* vswap_prepare_writeout(k, folio.swap, folio);
  if (yield* zswap_store(k, folio)) {
    yield* folio_unlock(k, folio);
    return 'success';
  }
  const slot = yield* vswap_alloc_swap_slot(k, folio);
  if (!slot) {
    folio.dirty = true;
    return 'activate';
  }
  yield* __swap_writepage(k, folio, slot);
  return 'success';
}

/** Instrumentation of swap_read_folio: one LOAD per slot (read-only look at the descriptors). */
function emitLoad(k: V6Kernel, folio: Folio): void {
  const c = k.clusterMap.get(clusterIdx(folio.swap, k.clusterSize));
  if (!c) return k.m.fail('bug', `swap_read_folio: no cluster for slot ${folio.swap}`);
  for (let i = 0; i < folio.nr; i++) k.emitVirtual(c, folio.swap + i, 'LOAD', 'swap_read_folio');
}

/** swap_read_folio's look-up: the backing type of the folio's first slot, read under the cluster lock. */
export function* swap_read_source(k: V6Kernel, folio: Folio): Task<SwapReadSource> {
  const entry = folio.swap;
  const ref = noCluster();
  yield* rcu_read_lock(k.m);
  const d = yield* vswap_iter(k, ref, entry);
  if (!d) return k.m.fail('bug', `swap_read_folio: slot ${entry} not allocated`);
  heldCluster(k, ref);
  const type = d.type;
  const slot = d.slot;
  // the read is taken from the backing seen here: zswap_load then drops its copy (STORE_FOLIO), so LOAD comes first
  emitLoad(k, folio);
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
  if (type === 'ZERO') return { kind: 'zero' };
  if (type === 'ZSWAP') return { kind: 'zswap' };
  if (type === 'SWAPFILE' && slot) return { kind: 'disk', dev: slot.dev, offset: slot.offset };
  return { kind: 'none', why: `type ${type}` };
}
