// Swap I/O (mm/page_io.c on the vswap series): swap_writeout chooses the backing of a folio being reclaimed; the
// disk write completes in interrupt context; swap_read_folio fills a swap-cache folio from whatever backs it.
import type { PhysSlotId } from '../../model/events.ts';
import type { Folio } from './folio.ts';
import { folio_unlock, is_folio_zero_filled } from './folio.ts';
import type { Kernel } from './kernel.ts';
import type { Task } from './sim.ts';
import { rcu_read_lock, rcu_read_unlock, sched, spin_lock_irqsave, spin_unlock_irqrestore, test_bit_locked } from './sim.ts';
import { folio_free_swap } from './vswap_cache.ts';
import { swap_zeromap_folio_set, vswap_alloc_swap_slot, vswap_prepare_writeout } from './vswap_backing.ts';
import { heldCluster, noCluster, vswap_iter, vswap_iter_done, xa_load } from './vswap_iter.ts';
import { clusterIdx } from './vswap_types.ts';
import { zswap_load, zswap_store } from './zswap.ts';

/** What pageout tells shrink_folio_list: the folio was handled (and unlocked), or must stay active (still locked). */
export type WriteoutResult = 'success' | 'activate';

/**
 * swap_writeout: a locked, clean-for-io swap-cache folio gets its backing: none needed (no PTE left), zero page,
 * zswap, or a physical slot written asynchronously. 'activate' when nothing can back it (the folio stays dirty).
 */
export function* swap_writeout(k: Kernel, folio: Folio): Task<WriteoutResult> {
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

/** __swap_writepage: starts writeback, unlocks the folio and submits the write; the bio completes from an IRQ. */
export function* __swap_writepage(k: Kernel, folio: Folio, slot: PhysSlotId): Task {
  const si = k.devices[slot.dev]!;
  const data = [...folio.contents];
  folio.writeback = true;
  yield* folio_unlock(k, folio);
  k.m.trace(`${folio} write to swap ${slot.dev}:${slot.offset}+${folio.nr}`);
  k.m.raise_irq(`end_swap_bio_write ${folio}`, function* end_swap_bio_write(m) {
    // end_swap_bio_write: the data is on the device; folio_end_writeback
    for (let i = 0; i < data.length; i++) si.data[slot.offset + i] = data[i]!;
    if (k.faultOn('writeback-end-irq-lock')) yield* swap_cache_clear_writeback_tag(k, folio);
    folio.writeback = false;
    m.trace(`${folio} writeback done`);
  });
}

/**
 * Fault 'writeback-end-irq-lock': __folio_end_writeback clearing the writeback tag of a swap-cache folio under the
 * swap-cache (vswap cluster) lock, from the completion's hardirq. The correct port never tags the swap cache.
 */
function* swap_cache_clear_writeback_tag(k: Kernel, folio: Folio): Task {
  yield* rcu_read_lock(k.m);
  const c = folio.swapcache ? yield* xa_load(k, clusterIdx(folio.swap, k.clusterSize)) : null;
  if (c) {
    const flags = yield* spin_lock_irqsave(k.m, c.lock);
    yield* spin_unlock_irqrestore(k.m, c.lock, flags);
  }
  yield* rcu_read_unlock(k.m);
}

/** Instrumentation of swap_read_folio: one LOAD per slot (read-only look at the descriptors). */
function emitLoad(k: Kernel, folio: Folio): void {
  const c = k.clusterMap.get(clusterIdx(folio.swap, k.clusterSize));
  if (!c) return k.m.fail('bug', `swap_read_folio: no cluster for slot ${folio.swap}`);
  for (let i = 0; i < folio.nr; i++) k.emitVirtual(c, folio.swap + i, 'LOAD', 'swap_read_folio');
}

/** swap_read_folio: fills a locked swap-cache folio from the zero map, zswap, or the device, and unlocks it. */
export function* swap_read_folio(k: Kernel, folio: Folio): Task {
  k.bugOn(!test_bit_locked(k.m, folio.lock), `swap_read_folio: ${folio} not locked`);
  k.bugOn(folio.uptodate, `swap_read_folio: ${folio} already uptodate`);
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
  if (type === 'ZERO') {
    folio.contents.fill(0);
  } else if (type === 'ZSWAP') {
    if (!(yield* zswap_load(k, folio))) return k.m.fail('bug', `swap_read_folio: zswap lost slot ${entry}`);
  } else if (type === 'SWAPFILE' && slot) {
    yield* sched(k.m, `bio read swap ${slot.dev}:${slot.offset}`);
    const si = k.devices[slot.dev]!;
    for (let i = 0; i < folio.nr; i++) folio.contents[i] = si.data[slot.offset + i]!;
  } else {
    return k.m.fail('bug', `swap_read_folio: slot ${entry} has no backing to read (type ${type})`);
  }
  folio.uptodate = true;
  // the zero-map and zswap paths unlock inline; a device read unlocks from its completion (synchronous here)
  yield* folio_unlock(k, folio);
}
