// swapon's header read and swapoff's try_to_unuse on the vswap series (mm/swapfile.c): every allocated physical
// slot is read into the swap cache and its virtual slot re-pointed at the folio; PTEs, which hold virtual entries,
// are not touched.
import type { Folio } from '../mm/folio.ts';
import { folio_lock, folio_put, folio_unlock, folio_wait_writeback } from '../mm/folio.ts';
import type { Task } from '../sim.ts';
import { sched } from '../sim.ts';
import { folio_matches_swap_entry } from '../swap.ts';
import type { V6Kernel } from './design.ts';
import { __read_swap_cache_async } from './swap_state.ts';
import type { SwapDevice } from './swapfile.ts';
import { swp_slot_to_swp_entry } from './swapfile.ts';
import { put_swap_entry, swap_cache_get_folio, tryget_swap_entry } from './vswap_cache.ts';
import { swp_entry_to_swp_slot, vswap_store_folio } from './vswap_backing.ts';

/** The part of swapon that reads the header: bad slots are marked and the device becomes writable. */
export function setup_swap_device(k: V6Kernel, si: SwapDevice): void {
  si.allocated.fill(false);
  si.bad.fill(false);
  si.rmap.fill(0);
  si.inuse = 0;
  for (const b of si.badList) {
    si.bad[b] = true;
    k.emitPhysical(si, b, 'MARK_BAD', 'swapon');
  }
  // percpu_ref_resurrect(&si->users)
  si.users = 0;
  si.usersLive = true;
  si.on = true;
  si.writeOk = true;
}

/** swapoff's teardown once try_to_unuse emptied the device: every slot leaves service. */
export function swapoff_teardown(k: V6Kernel, si: SwapDevice): void {
  for (let off = 0; off < si.slots; off++) {
    si.bad[off] = false;
    k.emitPhysical(si, off, 'SWAPOFF', 'swapoff');
  }
}

/** try_to_unuse: re-points every virtual slot backed by this device at a swap-cache folio; loops until empty. */
export function* try_to_unuse(k: V6Kernel, si: SwapDevice): Task {
  while (si.inuse > 0) {
    for (let off = 0; off < si.slots; off++) {
      yield* sched(k.m, `try_to_unuse ${si.index}:${off}`);
      if (!si.allocated[off]) continue;
      const entry = swp_slot_to_swp_entry(si, off);
      if (entry) yield* unuse_slot(k, si, off, entry);
    }
  }
}

/** One slot of try_to_unuse: get the folio into the swap cache, then move the backing to it. */
function* unuse_slot(k: V6Kernel, si: SwapDevice, off: number, entry: number): Task {
  const sref = yield* tryget_swap_entry(k, entry);
  if (!sref) return;
  let folio: Folio | null = yield* swap_cache_get_folio(k, entry);
  if (!folio) {
    // read_swap_cache_async; if pinned by someone else (or freed), the outer loop comes back to it
    const got = yield* __read_swap_cache_async(k, entry, sref, 'recorded');
    if (typeof got === 'number') return;
    folio = got;
  }
  yield* folio_lock(k, folio);
  yield* folio_wait_writeback(k, folio);
  // a racing zswap writeback or swap-out may have moved the slot meanwhile: check again under the folio lock
  if (k.faultOn('swapoff-no-recheck')) {
    // fault 'swapoff-no-recheck': what was looked up before sleeping is trusted
    yield* vswap_store_folio(k, entry, folio, 'try_to_unuse', true);
    folio.dirty = true;
  } else if (folio_matches_swap_entry(folio, entry)) {
    const slot = yield* swp_entry_to_swp_slot(k, entry);
    if (slot && slot.dev === si.index) {
      yield* vswap_store_folio(k, folio.swap, folio, 'try_to_unuse', true);
      folio.dirty = true;
    }
  }
  yield* folio_unlock(k, folio);
  folio_put(k, folio);
  yield* put_swap_entry(k, entry, sref);
}
