// The slice of impl/sim the kernel port uses, and the handle types it stores. One import site, so that the port
// reads like kernel code and the sim's surface it depends on is visible in one place.
import { Machine } from '../sim/index.ts';
import type { Task } from '../sim/index.ts';

export type { Task };
export { Machine };
export {
  spin_lock,
  spin_unlock,
  spin_lock_irq,
  spin_unlock_irq,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  spin_trylock,
  spin_lock_nested,
  local_lock,
  local_unlock,
  mutex_lock,
  mutex_unlock,
  lock_bit,
  unlock_bit,
  trylock_bit,
  local_irq_disable,
  local_irq_enable,
  enter_atomic_section,
  exit_atomic_section,
  might_sleep,
  lockdep_assert_held,
  rcu_read_lock,
  rcu_read_unlock,
  call_rcu,
  kfree_rcu,
  synchronize_rcu,
  kmalloc,
  kfree,
  refcount_inc,
  refcount_add,
  refcount_dec,
  refcount_sub_and_test,
  refcount_dec_and_test,
  refcount_inc_not_zero,
  refcount_set,
  wait_event,
  schedule_timeout,
  irqs_disabled,
  test_bit_locked,
  refcount_read,
  kmalloc_plain,
  __set_bit_locked,
  spin_is_locked,
  kobj_freed,
} from '../sim/index.ts';

export type { SpinLock, LocalLock, Mutex, BitLock, RefcountHandle as Refcount, KObj as MemHandle } from '../sim/index.ts';

/** A bare scheduling point: a shared read or write the kernel does outside any lock, or an atomic op. */
export function* sched(m: Machine, what: string): Task {
  yield* m.point(what);
}

