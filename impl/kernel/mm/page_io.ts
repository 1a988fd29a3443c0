// Swap I/O (mm/page_io.c), the part every design shares: the disk write that completes in interrupt context, and
// swap_read_folio filling a swap-cache folio from whatever the swap layer says backs it. Which backing a folio gets
// on the way out (swap_writeout) is the design's (k.swap).
import type { Folio } from './folio.ts';
import { folio_unlock } from './folio.ts';
import type { Kernel } from '../kernel.ts';
import type { Task } from '../sim.ts';
import { rcu_read_lock, rcu_read_unlock, sched, test_bit_locked } from '../sim.ts';
import { zswap_load } from './zswap.ts';

/** What pageout tells shrink_folio_list: the folio was handled (and unlocked), or must stay active (still locked). */
export type WriteoutResult = 'success' | 'activate';

/** __swap_writepage: starts writeback, unlocks the folio and submits the write; the bio completes from an IRQ. */
export function* __swap_writepage(k: Kernel, folio: Folio, slot: { dev: number; offset: number }): Task {
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
 * swap-cache lock, from the completion's hardirq. The correct port never tags the swap cache.
 */
function* swap_cache_clear_writeback_tag(k: Kernel, folio: Folio): Task {
  yield* rcu_read_lock(k.m);
  const held = folio.swapcache ? yield* k.swap.swap_cache_lock_irqsave(folio.swap) : null;
  if (held) yield* k.swap.swap_cache_unlock_irqrestore(folio.swap, held);
  yield* rcu_read_unlock(k.m);
}

/** swap_read_folio: fills a locked swap-cache folio from the zero map, zswap, or the device, and unlocks it. */
export function* swap_read_folio(k: Kernel, folio: Folio): Task {
  k.bugOn(!test_bit_locked(k.m, folio.lock), `swap_read_folio: ${folio} not locked`);
  k.bugOn(folio.uptodate, `swap_read_folio: ${folio} already uptodate`);
  const src = yield* k.swap.swap_read_source(folio);
  if (src.kind === 'zero') {
    folio.contents.fill(0);
  } else if (src.kind === 'zswap') {
    if (!(yield* zswap_load(k, folio))) return k.m.fail('bug', `swap_read_folio: zswap lost ${k.swap.describeSlot(folio.swap)}`);
  } else if (src.kind === 'disk') {
    yield* sched(k.m, `bio read swap ${src.dev}:${src.offset}`);
    const si = k.devices[src.dev]!;
    for (let i = 0; i < folio.nr; i++) folio.contents[i] = si.data[src.offset + i]!;
  } else {
    return k.m.fail('bug', `swap_read_folio: ${k.swap.describeSlot(folio.swap)} has no backing to read (${src.why})`);
  }
  folio.uptodate = true;
  // the zero-map and zswap paths unlock inline; a device read unlocks from its completion (synchronous here)
  yield* folio_unlock(k, folio);
}
