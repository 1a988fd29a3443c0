// Bookkeeping shared by every lock kind: lockdep hooks, ownership, the held-lock stack, release checks.
import type { Engine } from './engine.ts';
import type { LockRec } from './state.ts';
import { formatWhere } from './report.ts';
import { lockKey } from './footprint.ts';

/** The lockdep class of a lock taken with a given subclass (-1 with lockdep off). */
export function classOf(e: Engine, l: LockRec, subclass: number): number {
  if (e.lockdep === null) return -1;
  let c = l.classBySubclass[subclass];
  if (c === undefined) {
    c = e.lockdep.classFor(l.name, subclass);
    l.classBySubclass[subclass] = c;
  }
  return c;
}

/** Models lock_acquire(): lockdep validates the acquisition before the lock is taken or spun on. */
export function lockdepAcquire(e: Engine, l: LockRec, subclass: number, trylock: boolean): number {
  if (e.lockdep === null) return -1;
  const cls = classOf(e, l, subclass);
  e.lockdep.acquire(e.ctx(), e.cpu(), l, cls, trylock);
  return cls;
}

/** The lock is now ours: owner, where it was taken, and (except bit locks) the held-lock stack. */
export function grant(e: Engine, l: LockRec, cls: number, trylock: boolean, irqOff = false): void {
  const ctx = e.ctx();
  const where = e.where();
  e.touch(lockKey(l.id));
  if (e.observer !== null) e.noteAcquired(l, irqOff);
  l.locked = true;
  l.ownerCpu = e.cpu().id;
  l.ownerTask = ctx.task;
  l.ownerCtx = ctx;
  l.where = where;
  if (l.kind !== 'bit') ctx.task.held.push({ lock: l, classId: cls, ctx, trylock, where });
}

/** Models lock_release() plus the spinlock/mutex debug checks on unlock. */
export function release(e: Engine, l: LockRec, op: string): void {
  const ctx = e.ctx();
  const cpu = e.cpu();
  e.touch(lockKey(l.id));
  if (!l.locked) e.fail('bad-unlock', `${op}: '${l.name}' is not locked`, { lines: [`${ctx.name} is trying to release a lock nobody holds`] });
  if (l.kind === 'mutex' && l.ownerTask !== ctx.task) {
    e.fail('bad-unlock', `${op}: mutex '${l.name}' is held by task '${l.ownerTask?.name ?? '?'}', not by '${ctx.name}'`);
  }
  if (l.kind !== 'mutex' && l.kind !== 'bit' && l.ownerCpu !== cpu.id) {
    e.fail('bad-unlock', `${op}: '${l.name}' is held by CPU#${l.ownerCpu}, released on CPU#${cpu.id} (spinlock wrong CPU)`);
  }
  if (l.kind !== 'bit') {
    const held = ctx.task.held;
    let i = held.length - 1;
    while (i >= 0 && held[i]!.lock !== l) i--;
    if (i < 0) e.fail('bad-unlock', `${op}: '${l.name}' is not in ${ctx.name}'s held-lock stack`, { lines: l.where ? [`taken by ${formatWhere(l.where)}`] : [] });
    held.splice(i, 1);
  }
  l.locked = false;
  l.ownerCpu = -1;
  l.ownerTask = null;
  l.ownerCtx = null;
}

/** spin_lock on a lock this CPU already holds (any context of it): the CPU can never get it. */
export function selfDeadlock(e: Engine, l: LockRec, op: string): never {
  const cpu = e.cpu();
  const by = l.where !== null ? formatWhere(l.where) : 'unknown';
  return e.fail('self-deadlock', `spinlock recursion on CPU#${cpu.id}: ${op} on '${l.name}', which this CPU already holds`, {
    lines: [`lock: '${l.name}', .owner_cpu: ${l.ownerCpu}, taken by ${by}`, `the CPU now spins forever on a lock only it could release`],
    chains: [[`#0 ${by}: acquired '${l.name}'`, `#1 ${formatWhere(e.where())}: ${op} '${l.name}' again`]],
  });
}
