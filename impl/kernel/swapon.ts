// swapon / swapoff (mm/swapfile.c on the vswap series). swapoff empties a device with try_to_unuse: every
// allocated physical slot is read into the swap cache and its virtual slot re-pointed at the folio; PTEs, which
// hold virtual entries, are not touched.
import type { Folio } from './folio.ts';
import { folio_lock, folio_put, folio_unlock, folio_wait_writeback } from './folio.ts';
import type { Kernel } from './kernel.ts';
import { __read_swap_cache_async } from './swap_state.ts';
import type { Task } from './sim.ts';
import { mutex_lock, mutex_unlock, sched, spin_lock, spin_unlock, synchronize_rcu, wait_event } from './sim.ts';
import type { SwapDevice } from './swapfile.ts';
import { swp_slot_to_swp_entry } from './swapfile.ts';
import {
  folio_matches_swap_entry,
  put_swap_entry,
  swap_cache_get_folio,
  tryget_swap_entry,
} from './vswap_cache.ts';
import { swp_entry_to_swp_slot, vswap_store_folio } from './vswap_backing.ts';

/** The part of swapon that reads the header: bad slots are marked and the device becomes writable. */
export function setup_swap_device(k: Kernel, si: SwapDevice): void {
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

/** swapon: 0, or -EBUSY if the device is in use (on, or still on its way off). Publishes under swapon_mutex. */
export function* swapon(k: Kernel, dev: number): Task<number> {
  const si = k.devices[dev]!;
  yield* mutex_lock(k.m, k.swaponMutex);
  yield* spin_lock(k.m, k.swapLock);
  const busy = si.on;
  if (!busy) setup_swap_device(k, si);
  yield* spin_unlock(k.m, k.swapLock);
  yield* mutex_unlock(k.m, k.swaponMutex);
  return busy ? -16 : 0;
}

/**
 * swapoff: 0, or -EINVAL if the device is not on and writable. As in the kernel, no mutex is held across
 * try_to_unuse: SWP_WRITEOK is cleared under swap_lock, the device is emptied, its users reference is killed and
 * waited for, and only the final teardown runs under swapon_mutex. Two swapoffs, or a swapon, can run alongside.
 */
export function* swapoff(k: Kernel, dev: number): Task<number> {
  const si = k.devices[dev]!;
  yield* spin_lock(k.m, k.swapLock);
  if (!si.on || !si.writeOk) {
    yield* spin_unlock(k.m, k.swapLock);
    return -22;
  }
  // del_from_avail_list and SWP_WRITEOK cleared: no new allocation from this device
  si.writeOk = false;
  yield* spin_unlock(k.m, k.swapLock);
  yield* try_to_unuse(k, si);
  // percpu_ref_kill(&si->users), synchronize_rcu, wait_for_completion(&si->comp): no tryget succeeds from here,
  // and the references taken before are waited for
  yield* sched(k.m, `percpu_ref_kill(swap ${si.index} users)`);
  si.usersLive = false;
  yield* synchronize_rcu(k.m);
  yield* wait_event(k.m, `swap ${si.index} users gone`, () => si.users === 0);
  yield* mutex_lock(k.m, k.swaponMutex);
  yield* spin_lock(k.m, k.swapLock);
  for (let off = 0; off < si.slots; off++) {
    si.bad[off] = false;
    k.emitPhysical(si, off, 'SWAPOFF', 'swapoff');
  }
  si.on = false;
  yield* spin_unlock(k.m, k.swapLock);
  yield* mutex_unlock(k.m, k.swaponMutex);
  return 0;
}

/** try_to_unuse: re-points every virtual slot backed by this device at a swap-cache folio; loops until empty. */
export function* try_to_unuse(k: Kernel, si: SwapDevice): Task {
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
function* unuse_slot(k: Kernel, si: SwapDevice, off: number, entry: number): Task {
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
