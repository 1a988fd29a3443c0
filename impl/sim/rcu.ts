// RCU: read-side sections, synchronize_rcu and call_rcu. A grace period ends when every reader that was
// inside its section when the grace period began has left it (readers are numbered as they enter).
import type { Engine } from './engine.ts';
import type { Machine } from './machine.ts';
import type { Task } from './types.ts';
import { GRACE_PERIOD, NONE } from './footprint.ts';
import type { KObj } from './handles.ts';
import { kfree } from './memory.ts';

// Footprints: a step that enters or leaves a read-side section (rcu_read_lock, or a preempt-disabled region) records
// its CPU's readers key (Engine.readersKey); what can tell the order of those from its own (call_rcu, kfree_rcu,
// synchronize_rcu's start: they take a grace period's target) records every CPU's readers key, and the callback
// queues' order (RCU_CALLBACKS). A step that ends a callback's grace period records the callback's interrupt key,
// which its delivery touches too (runnables.ts), and one that ends a reader a synchronize_rcu waits for records the
// key of its wait (GRACE_PERIOD). Nothing else reads the readers: no other CPU's step that leaves them alone, and no
// interrupt delivery. (What the section reads is at points of its own.)

/** The shared name (Engine.sharedKey) of the callback list: call_rcu and kfree_rcu append to it in order. */
const RCU_CALLBACKS = 'rcu callbacks';

// rcu_read_lock
export function* rcu_read_lock(m: Machine): Task {
  const e = m.engine;
  yield e.point('rcu_read_lock', null, NONE);
  const ctx = e.ctx();
  if (ctx.rcuDepth++ === 0) ctx.readerId = e.readerBegin();
}

// rcu_read_unlock
export function* rcu_read_unlock(m: Machine): Task {
  const e = m.engine;
  yield e.point('rcu_read_unlock', null, NONE);
  const ctx = e.ctx();
  if (ctx.rcuDepth === 0) e.fail('bad-unlock', `rcu_read_unlock outside an RCU read-side critical section in '${ctx.name}'`);
  if (--ctx.rcuDepth === 0) {
    e.readerEnd(ctx.readerId);
    ctx.readerId = 0;
  }
}

/** rcu_read_lock_held(); plain. */
export function rcu_read_lock_held(m: Machine): boolean {
  return m.engine.ctx().rcuDepth > 0;
}

// synchronize_rcu: sleeps until a full grace period has elapsed
export function* synchronize_rcu(m: Machine): Task {
  const e = m.engine;
  yield e.point('synchronize_rcu', null, NONE);
  e.touchAllReaders();
  e.mightSleep('synchronize_rcu');
  const target = e.nextReaderId;
  // the wait depends only on the ends of the readers it waits for, which record its key (Engine.readerEnd)
  const key = e.keyOf(GRACE_PERIOD);
  e.touch(key);
  e.syncTargets.push(target);
  do {
    yield e.point('synchronize_rcu waiting', { kind: 'rcu', target, key }, key);
  } while (!e.gpDone(target));
  e.syncTargets.splice(e.syncTargets.indexOf(target), 1);
}

// call_rcu: the callback runs in softirq context on this CPU once a grace period has elapsed. A CPU's callbacks run
// in the order they were queued, as rcu_do_batch takes them from the head of the CPU's segmented callback list
// (runnables.ts delivers only the head of each CPU's queue); tasks and other CPUs' callbacks may run in between.
export function* call_rcu(m: Machine, what: string, fn: (m: Machine) => Task<unknown>): Task {
  const e = m.engine;
  yield e.point(`call_rcu(${what})`, null, NONE);
  queueCallback(e);
  e.rcuWaiting.push({ what, fn, cpu: e.cpu().id, target: e.nextReaderId, queued: e.where(), kfree: false });
}

// kfree_rcu (kvfree_call_rcu): the object is freed once a grace period has elapsed. The kernel batches these per CPU
// apart from call_rcu's list (kfree_rcu_cpu), so they form a queue of their own on this CPU: in order among
// themselves, in any order against call_rcu callbacks. Modelled as a callback (softirq context, where kvfree_rcu's
// work item would run in process context: the free touches only the object either way).
export function* kfree_rcu(m: Machine, what: string, obj: KObj): Task {
  const e = m.engine;
  yield e.point(`kfree_rcu(${what})`, null, NONE);
  queueCallback(e);
  e.rcuWaiting.push({ what: `kfree_rcu(${what})`, fn: freeAfterGp(obj), cpu: e.cpu().id, target: e.nextReaderId, queued: e.where(), kfree: true });
}

/** A callback is queued: its grace period starts (every CPU's readers) and it joins the callback list. */
function queueCallback(e: Engine): void {
  e.touchAllReaders();
  if (e.fp !== null) e.fp.add(e.sharedKey(RCU_CALLBACKS));
}

function freeAfterGp(obj: KObj): (m: Machine) => Task<unknown> {
  return function* (m) {
    kfree(m, obj);
  };
}
