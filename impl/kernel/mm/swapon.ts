// swapon / swapoff (mm/swapfile.c), the frame every design shares: the swap_lock and swapon_mutex protocol, the
// users reference swapoff kills and waits for. What a device's slots look like, and how try_to_unuse empties it,
// belong to the design (k.swap).
import type { Kernel } from '../kernel.ts';
import type { Task } from '../sim.ts';
import { mutex_lock, mutex_unlock, spin_lock, spin_unlock, synchronize_rcu, wait_event } from '../sim.ts';
import { EBUSY, EINVAL } from '../swap.ts';

/** swapon: 0, or -EBUSY if the device is in use (on, or still on its way off). Publishes under swapon_mutex. */
export function* swapon(k: Kernel, dev: number): Task<number> {
  const si = k.devices[dev]!;
  yield* mutex_lock(k.m, k.swaponMutex);
  yield* spin_lock(k.m, k.swapLock);
  const busy = si.on;
  if (!busy) k.swap.setup_swap_device(si);
  yield* spin_unlock(k.m, k.swapLock);
  yield* mutex_unlock(k.m, k.swaponMutex);
  return busy ? -EBUSY : 0;
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
    return -EINVAL;
  }
  // del_from_avail_list and SWP_WRITEOK cleared: no new allocation from this device
  si.writeOk = false;
  yield* spin_unlock(k.m, k.swapLock);
  yield* k.swap.try_to_unuse(si);
  // percpu_ref_kill(&si->users), synchronize_rcu, wait_for_completion(&si->comp): no get succeeds from here,
  // and the references taken before are waited for
  yield* k.m.pointShared(`percpu_ref_kill(swap ${si.index} users)`, si.usersName);
  si.usersLive = false;
  yield* synchronize_rcu(k.m);
  yield* wait_event(k.m, `swap ${si.index} users gone`, () => si.users === 0, si.usersName);
  yield* mutex_lock(k.m, k.swaponMutex);
  yield* spin_lock(k.m, k.swapLock);
  k.swap.swapoff_teardown(si);
  si.on = false;
  yield* spin_unlock(k.m, k.swapLock);
  yield* mutex_unlock(k.m, k.swaponMutex);
  return 0;
}
