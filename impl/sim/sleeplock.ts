// Sleeping locks: mutexes (lockdep-tracked) and bit locks such as the folio lock (no lockdep class), and
// wait_event for a sleeping wait on any condition.
import type { Machine } from './machine.ts';
import type { Task } from './types.ts';
import type { BitLock, Mutex } from './handles.ts';
import { grant, lockdepAcquire, release } from './locks.ts';
import { GLOBAL, lockKey } from './footprint.ts';
import { formatWhere } from './report.ts';

// mutex_lock: may sleep; re-locking a mutex the task holds hangs it for ever
export function* mutex_lock(m: Machine, mu: Mutex): Task {
  const e = m.engine;
  yield e.point(`mutex_lock(${mu.name})`, null, lockKey(mu.id));
  e.mightSleep(`mutex_lock(${mu.name})`);
  const r = e.locks[mu.id]!;
  if (r.locked && r.ownerTask === e.ctx().task) {
    e.fail('self-deadlock', `mutex recursion: task '${e.ctx().name}' locks mutex '${r.name}' it already holds`, {
      headline: 'BUG: mutex recursion (the task waits for itself)',
      lines: r.where !== null ? [`taken by ${formatWhere(r.where)}`] : [],
    });
  }
  const cls = lockdepAcquire(e, r, 0, false);
  if (r.locked && e.observer !== null) e.noteContended(r);
  while (r.locked) yield e.point(`mutex_lock(${mu.name}) sleeping`, { kind: 'mutex', lock: r }, lockKey(r.id));
  grant(e, r, cls, false);
}

// mutex_unlock
export function* mutex_unlock(m: Machine, mu: Mutex): Task {
  const e = m.engine;
  yield e.point(`mutex_unlock(${mu.name})`, null, lockKey(mu.id));
  release(e, e.locks[mu.id]!, 'mutex_unlock');
}

// mutex_trylock: never sleeps (so no might_sleep), but is still a mutex: not from interrupt context
export function* mutex_trylock(m: Machine, mu: Mutex): Task<boolean> {
  const e = m.engine;
  yield e.point(`mutex_trylock(${mu.name})`, null, lockKey(mu.id));
  const r = e.locks[mu.id]!;
  if (e.ctx().kind !== 'task') e.fail('bug', `mutex_trylock('${r.name}') from ${e.ctx().kind} context`);
  if (r.locked) return false;
  const cls = lockdepAcquire(e, r, 0, true);
  grant(e, r, cls, true);
  return true;
}

// lock_bit: folio_lock and friends; sleeps until the bit is clear
export function* lock_bit(m: Machine, fl: BitLock): Task {
  const e = m.engine;
  yield e.point(`lock_bit(${fl.name})`, null, lockKey(fl.id));
  e.mightSleep(`lock_bit(${fl.name})`);
  const r = e.locks[fl.id]!;
  if (r.locked && e.observer !== null) e.noteContended(r);
  while (r.locked) yield e.point(`lock_bit(${fl.name}) sleeping`, { kind: 'bit', lock: r }, lockKey(r.id));
  grant(e, r, -1, false);
}

// unlock_bit: folio_unlock; any context may clear it (I/O completion does)
export function* unlock_bit(m: Machine, fl: BitLock): Task {
  const e = m.engine;
  yield e.point(`unlock_bit(${fl.name})`, null, lockKey(fl.id));
  release(e, e.locks[fl.id]!, 'unlock_bit');
}

// trylock_bit: folio_trylock
export function* trylock_bit(m: Machine, fl: BitLock): Task<boolean> {
  const e = m.engine;
  yield e.point(`trylock_bit(${fl.name})`, null, lockKey(fl.id));
  const r = e.locks[fl.id]!;
  if (r.locked) return false;
  grant(e, r, -1, true);
  return true;
}

/**
 * __folio_set_locked: sets the bit of a lock nobody else can see yet (a folio just allocated); plain, so it can run
 * under a spinlock. Setting a bit someone holds is a test bug.
 */
export function __set_bit_locked(m: Machine, fl: BitLock): void {
  const e = m.engine;
  const r = e.locks[fl.id]!;
  if (r.locked) throw new Error(`sim: __set_bit_locked(${fl.name}) on a held lock`);
  grant(e, r, -1, true);
}

/** Whether a bit lock is set (folio_test_locked); plain. */
export function test_bit_locked(m: Machine, fl: BitLock): boolean {
  return m.engine.locks[fl.id]!.locked;
}

// wait_event: sleep until `cond()` holds (re-evaluated by the machine between steps)
export function* wait_event(m: Machine, what: string, cond: () => boolean, shared?: string | { readonly id: number }): Task {
  const e = m.engine;
  // with `shared`, cond reads only a named piece of shared state whose every change records it (Machine.touchShared),
  // or state of a lock's object that every access records (Machine.touchGuarded): the wait depends on those changes;
  // otherwise on everything
  const key = shared === undefined ? GLOBAL : e.keyOf(shared);
  yield e.point(`wait_event(${what})`, null, key);
  e.mightSleep(`wait_event(${what})`);
  while (!cond()) yield e.point(`wait_event(${what}) sleeping`, { kind: 'event', what, cond, key }, key);
}

// schedule_timeout: sleep "a tick" in a retry loop: until another CPU that is not itself retrying has made a step,
// or, when nothing else can run, until the timer fires. Without it a retry loop under a no-preemption schedule spins
// forever. (A context that retried once stays marked for its life: a coarse but livelock-free rule.)
export function* schedule_timeout(m: Machine, what: string): Task {
  const e = m.engine;
  e.mightSleep(`schedule_timeout(${what})`);
  e.curCtx!.retrying = true;
  e.curCpu!.stepRunnable.yields++;
  yield e.point(`schedule_timeout(${what})`, { kind: 'timeout', what, since: e.step, cpu: e.curCpu!.id, fired: false });
}
