// Interrupt state, preemption, might_sleep, atomic sections and local_lock on the current CPU.
import type { Machine } from './machine.ts';
import type { IrqFlags, Task } from './types.ts';
import type { LocalLock } from './handles.ts';
import { grant, lockdepAcquire, release } from './locks.ts';
import { NONE, cpuKey, lockKey } from './footprint.ts';

/** A point whose step changes whether this CPU accepts interrupts (its key: footprint.ts). */
function irqState(m: Machine, what: string) {
  return m.engine.point(what, null, cpuKey(m.engine.cpu().id));
}

/**
 * A point whose step touches only state of this CPU or context that no interrupt delivery reads (preempt count,
 * atomic sections): nothing to record, as steps of one CPU depend on each other anyway (footprint.ts).
 */
function local(m: Machine, what: string) {
  return m.engine.point(what, null, NONE);
}

// local_irq_disable
export function* local_irq_disable(m: Machine): Task {
  yield irqState(m, 'local_irq_disable');
  m.engine.cpu().irqsOn = false;
}
// local_irq_enable
export function* local_irq_enable(m: Machine): Task {
  yield irqState(m, 'local_irq_enable');
  const e = m.engine;
  if (e.ctx().kind === 'hardirq') e.fail('bug', 'local_irq_enable in hardirq context');
  e.cpu().irqsOn = true;
}
// local_irq_save
export function* local_irq_save(m: Machine): Task<IrqFlags> {
  yield irqState(m, 'local_irq_save');
  const cpu = m.engine.cpu();
  const flags = cpu.irqsOn;
  cpu.irqsOn = false;
  return flags;
}
// local_irq_restore
export function* local_irq_restore(m: Machine, flags: IrqFlags): Task {
  yield irqState(m, 'local_irq_restore');
  m.engine.cpu().irqsOn = flags;
}
/** irqs_disabled(); plain. */
export function irqs_disabled(m: Machine): boolean {
  return !m.engine.cpu().irqsOn;
}

// preempt_disable
export function* preempt_disable(m: Machine): Task {
  yield local(m, 'preempt_disable');
  m.engine.preemptDisable(m.engine.cpu());
}
// preempt_enable
export function* preempt_enable(m: Machine): Task {
  yield local(m, 'preempt_enable');
  const cpu = m.engine.cpu();
  if (cpu.preempt === 0) m.engine.fail('bug', 'preempt_enable with preempt_count 0 (unbalanced)');
  m.engine.preemptEnable(cpu);
}

// might_sleep: __might_sleep's check, also a preemption point
export function* might_sleep(m: Machine, what: string): Task {
  yield local(m, `might_sleep(${what})`);
  m.engine.mightSleep(what);
}

/** A context that must not sleep although nothing else says so (e.g. a cpuhp dead callback). */
export function* enter_atomic_section(m: Machine, why: string): Task {
  yield local(m, `enter_atomic_section(${why})`);
  m.engine.ctx().atomic.push(why);
}
export function* exit_atomic_section(m: Machine): Task {
  yield local(m, 'exit_atomic_section');
  const ctx = m.engine.ctx();
  if (ctx.atomic.pop() === undefined) m.engine.fail('bug', 'exit_atomic_section without enter_atomic_section');
}

// local_lock: on !PREEMPT_RT, preempt_disable plus a lockdep map for this CPU's instance
export function* local_lock(m: Machine, ll: LocalLock): Task {
  const e = m.engine;
  yield e.point(`local_lock(${ll.name})`, null, lockKey(e.localLocks[ll.id]!.perCpu[e.cpu().id]!.id));
  const cpu = e.cpu();
  const r = e.localLocks[ll.id]!.perCpu[cpu.id]!;
  e.preemptDisable(cpu);
  const cls = lockdepAcquire(e, r, 0, false);
  if (r.locked) e.fail('bug', `local_lock('${ll.name}') re-entered on CPU#${cpu.id} (a deadlock on PREEMPT_RT, corruption otherwise)`);
  grant(e, r, cls, false);
}
// local_unlock
export function* local_unlock(m: Machine, ll: LocalLock): Task {
  const e = m.engine;
  yield e.point(`local_unlock(${ll.name})`, null, lockKey(e.localLocks[ll.id]!.perCpu[e.cpu().id]!.id));
  const cpu = e.cpu();
  release(e, e.localLocks[ll.id]!.perCpu[cpu.id]!, 'local_unlock');
  e.preemptEnable(cpu);
}
