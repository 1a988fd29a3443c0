// Spinlocks and raw spinlocks in their plain, _irq, _irqsave, _nested and trylock forms.
import type { Machine } from './machine.ts';
import type { IrqFlags, Task } from './types.ts';
import type { SpinLock } from './handles.ts';
import type { LockRec } from './state.ts';
import { grant, lockdepAcquire, release, selfDeadlock } from './locks.ts';
import { cpuKey, lockKey } from './footprint.ts';

type IrqMode = 'plain' | 'irq' | 'irqsave';

function rec(m: Machine, l: SpinLock, raw: boolean, op: string): LockRec {
  const r = m.engine.locks[l.id]!;
  if ((r.kind === 'raw') !== raw) m.engine.fail('bug', `${op} used on ${r.kind === 'raw' ? 'raw_spinlock_t' : 'spinlock_t'} '${r.name}'`);
  return r;
}

/** The _irq forms change whether this CPU accepts interrupts: the step records the CPU's key (footprint.ts). */
function setIrqsOn(m: Machine, on: boolean): void {
  const e = m.engine;
  e.cpu().irqsOn = on;
  e.touch(cpuKey(e.cpu().id));
}

/** do_raw_spin_lock with its debug checks, after preempt_disable (and local_irq_disable for _irq forms). */
function* acquire(m: Machine, l: SpinLock, raw: boolean, mode: IrqMode, subclass: number, op: string): Task<IrqFlags> {
  const e = m.engine;
  yield e.point(`${op}(${l.name})`, null, lockKey(l.id));
  const r = rec(m, l, raw, op);
  const cpu = e.cpu();
  const flags = cpu.irqsOn;
  if (mode !== 'plain') setIrqsOn(m, false);
  e.preemptDisable(cpu);
  if (r.locked && r.ownerCpu === cpu.id) selfDeadlock(e, r, op);
  const cls = lockdepAcquire(e, r, subclass, false);
  if (r.locked && e.observer !== null) e.noteContended(r);
  while (r.locked) {
    yield e.point(`${op}(${l.name}) spinning`, { kind: 'spin', lock: r }, lockKey(r.id));
    if (r.ownerCpu === cpu.id) selfDeadlock(e, r, op);
  }
  grant(e, r, cls, false, mode !== 'plain');
  return flags;
}

function* unlock(m: Machine, l: SpinLock, raw: boolean, mode: IrqMode, flags: IrqFlags, op: string): Task {
  const e = m.engine;
  yield e.point(`${op}(${l.name})`, null, lockKey(l.id));
  const r = rec(m, l, raw, op);
  release(e, r, op);
  if (e.releaseCheck !== null) {
    const problems = e.releaseCheck(l.id, l.name);
    if (problems !== null && problems.length > 0) {
      e.fail('invariant', `${problems[0]} (at ${op}(${l.name}))`, {
        lines: [`what '${l.name}' protects is inconsistent when it is released:`, ...problems.map((p) => `  ${p}`)],
      });
    }
  }
  const cpu = e.cpu();
  e.preemptEnable(cpu);
  if (mode === 'irq') setIrqsOn(m, true);
  else if (mode === 'irqsave') setIrqsOn(m, flags);
}

/** spin_trylock: never waits; on success it is held like any spinlock (lockdep records no ordering). */
function* trylock(m: Machine, l: SpinLock, raw: boolean, mode: IrqMode, op: string): Task<{ ok: boolean; flags: IrqFlags }> {
  const e = m.engine;
  yield e.point(`${op}(${l.name})`, null, lockKey(l.id));
  const r = rec(m, l, raw, op);
  const cpu = e.cpu();
  const flags = cpu.irqsOn;
  if (r.locked) return { ok: false, flags };
  if (mode !== 'plain') setIrqsOn(m, false);
  e.preemptDisable(cpu);
  const cls = lockdepAcquire(e, r, r.subclass, true);
  grant(e, r, cls, true, mode !== 'plain');
  return { ok: true, flags };
}

// spin_lock / spin_unlock
export function* spin_lock(m: Machine, l: SpinLock): Task {
  yield* acquire(m, l, false, 'plain', m.engine.locks[l.id]!.subclass, 'spin_lock');
}
export function* spin_unlock(m: Machine, l: SpinLock): Task {
  yield* unlock(m, l, false, 'plain', true, 'spin_unlock');
}
// spin_lock_nested: same lock class family, another subclass (lockdep's nesting annotation)
export function* spin_lock_nested(m: Machine, l: SpinLock, subclass: number): Task {
  yield* acquire(m, l, false, 'plain', subclass, 'spin_lock_nested');
}
// spin_lock_irq / spin_unlock_irq
export function* spin_lock_irq(m: Machine, l: SpinLock): Task {
  yield* acquire(m, l, false, 'irq', m.engine.locks[l.id]!.subclass, 'spin_lock_irq');
}
export function* spin_unlock_irq(m: Machine, l: SpinLock): Task {
  yield* unlock(m, l, false, 'irq', true, 'spin_unlock_irq');
}
// spin_lock_irqsave / spin_unlock_irqrestore
export function* spin_lock_irqsave(m: Machine, l: SpinLock): Task<IrqFlags> {
  return yield* acquire(m, l, false, 'irqsave', m.engine.locks[l.id]!.subclass, 'spin_lock_irqsave');
}
export function* spin_unlock_irqrestore(m: Machine, l: SpinLock, flags: IrqFlags): Task {
  yield* unlock(m, l, false, 'irqsave', flags, 'spin_unlock_irqrestore');
}
// spin_trylock
export function* spin_trylock(m: Machine, l: SpinLock): Task<boolean> {
  return (yield* trylock(m, l, false, 'plain', 'spin_trylock')).ok;
}
// spin_trylock_irqsave: on failure the interrupt state is unchanged
export function* spin_trylock_irqsave(m: Machine, l: SpinLock): Task<{ ok: boolean; flags: IrqFlags }> {
  return yield* trylock(m, l, false, 'irqsave', 'spin_trylock_irqsave');
}

// raw_spin_lock family: same semantics, for raw_spinlock_t only
export function* raw_spin_lock(m: Machine, l: SpinLock): Task {
  yield* acquire(m, l, true, 'plain', m.engine.locks[l.id]!.subclass, 'raw_spin_lock');
}
export function* raw_spin_unlock(m: Machine, l: SpinLock): Task {
  yield* unlock(m, l, true, 'plain', true, 'raw_spin_unlock');
}
export function* raw_spin_lock_irq(m: Machine, l: SpinLock): Task {
  yield* acquire(m, l, true, 'irq', m.engine.locks[l.id]!.subclass, 'raw_spin_lock_irq');
}
export function* raw_spin_unlock_irq(m: Machine, l: SpinLock): Task {
  yield* unlock(m, l, true, 'irq', true, 'raw_spin_unlock_irq');
}
export function* raw_spin_lock_irqsave(m: Machine, l: SpinLock): Task<IrqFlags> {
  return yield* acquire(m, l, true, 'irqsave', m.engine.locks[l.id]!.subclass, 'raw_spin_lock_irqsave');
}
export function* raw_spin_unlock_irqrestore(m: Machine, l: SpinLock, flags: IrqFlags): Task {
  yield* unlock(m, l, true, 'irqsave', flags, 'raw_spin_unlock_irqrestore');
}
export function* raw_spin_trylock(m: Machine, l: SpinLock): Task<boolean> {
  return (yield* trylock(m, l, true, 'plain', 'raw_spin_trylock')).ok;
}

/** spin_is_locked: whether anyone holds the lock (plain; for instrumentation and checks, not for kernel logic). */
export function spin_is_locked(m: Machine, l: { readonly id: number; readonly name: string }): boolean {
  return m.engine.locks[l.id]?.locked ?? false;
}

/** lockdep_assert_held: the lock must be held by this CPU (a mutex: by this task). */
export function lockdep_assert_held(m: Machine, l: { readonly id: number; readonly name: string }): void {
  const e = m.engine;
  const r = e.locks[l.id];
  if (r === undefined) throw new Error(`sim: lockdep_assert_held on an unknown lock '${l.name}'`);
  const mine = r.kind === 'mutex' ? r.ownerTask === e.ctx().task : r.ownerCpu === e.cpu().id;
  if (!r.locked || !mine) e.fail('bug', `lockdep_assert_held('${r.name}') failed: not held by ${r.kind === 'mutex' ? 'this task' : 'this CPU'}`);
}
