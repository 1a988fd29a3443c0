// What can happen next: a step of each CPU that can make progress, and every deliverable interrupt.
import { Engine } from './engine.ts';
import { RunnableRec, type CpuState, type PendingIrq } from './state.ts';
import { irqKey } from './footprint.ts';

/** Fills `out` (reused between steps) with the runnables, sorted by id. */
export function collectRunnables(e: Engine, out: RunnableRec[]): void {
  out.length = 0;
  promoteRcuCallbacks(e);
  // CPUs go down first, so that a task waiting for one to go down sees it in this same pass
  for (const cpu of e.cpusById) {
    if (cpu.offlinePending && cpu.tasks.length === 0 && cpu.stack.length === 1) {
      cpu.online = false;
      cpu.offlinePending = false;
    }
  }
  for (const cpu of e.cpusById) if (cpu.online && canStep(e, cpu)) out.push(cpu.stepRunnable);
  // e.pending is kept in id order and CPUs are visited in id order, so the result is sorted.
  for (const irq of e.pending) if (irq.rcu === null || headOfRcuQueue(e, irq)) addDeliveries(e, irq, out);
  // Nothing else can run: the timers of schedule_timeout sleepers fire (a lone retry loop is a livelock, which the
  // step limit reports, not a deadlock).
  if (out.length === 0 && !e.timersFire) {
    e.timersFire = true;
    for (const cpu of e.cpusById) if (cpu.online && canStep(e, cpu)) out.push(cpu.stepRunnable);
    e.timersFire = false;
  }
}

/** Queues an interrupt, keeping e.pending sorted by the ids its runnables will have. */
export function addPending(e: Engine, irq: PendingIrq): void {
  const p = e.pending;
  let lo = 0;
  let hi = p.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (p[mid]!.key < irq.key) lo = mid + 1;
    else hi = mid;
  }
  p.splice(lo, 0, irq);
}

/** The common prefix of an interrupt's runnable ids ('irq:<name>#<seq>@'); they end in 'cpuN'. */
export function pendingKey(kind: 'hardirq' | 'softirq', name: string, seq: number): string {
  return `${kind === 'hardirq' ? 'irq' : 'softirq'}:${name}#${seq}@`;
}

function canStep(e: Engine, cpu: CpuState): boolean {
  const top = cpu.stack[cpu.stack.length - 1]!;
  // A task whose wake-up condition was taken away again before it ran goes back to sleep.
  if (top === cpu.stack[0] && !cpu.current.idle && Engine.sleeps(top.point?.wait) && !e.ready(top)) {
    cpu.current = cpu.idle;
    cpu.stack[0] = cpu.idle.ctx;
    return canStep(e, cpu);
  }
  if (top !== cpu.stack[0] || !cpu.current.idle) return e.ready(top);
  for (const t of cpu.tasks) if (e.ready(t.ctx)) return true;
  return false;
}

/** Hardirqs land where interrupts are enabled; softirqs also need the CPU to be out of interrupt context. */
function accepts(cpu: CpuState, irq: PendingIrq): boolean {
  if (!cpu.online || !cpu.irqsOn) return false;
  return irq.kind === 'hardirq' || cpu.stack.length === 1;
}

function addDeliveries(e: Engine, irq: PendingIrq, out: RunnableRec[]): void {
  const target = irq.target === null ? undefined : e.cpus[irq.target];
  // An interrupt aimed at an offline CPU is migrated to the online ones, like irq affinity on CPU removal.
  if (target !== undefined && target.online) {
    if (accepts(target, irq)) out.push(runnableFor(irq, target));
    return;
  }
  for (const cpu of e.cpusById) if (accepts(cpu, irq)) out.push(runnableFor(irq, cpu));
}

function runnableFor(irq: PendingIrq, cpu: CpuState): RunnableRec {
  let r = irq.runnables[cpu.id];
  if (r === undefined) {
    r = new RunnableRec(`${irq.key}cpu${cpu.id}`, cpu.id, irq.kind, irq);
    irq.runnables[cpu.id] = r;
  }
  return r;
}

/** A CPU's ready RCU callbacks of one kind run in the order they were queued (rcu.ts): only the oldest is deliverable. */
function headOfRcuQueue(e: Engine, irq: PendingIrq): boolean {
  const cb = irq.rcu!;
  for (const p of e.pending) if (p.rcu !== null && p.seq < irq.seq && p.rcu.cpu === cb.cpu && p.rcu.kfree === cb.kfree) return false;
  return true;
}

/** Callbacks whose grace period has elapsed become pending softirqs on the CPU that queued them. */
function promoteRcuCallbacks(e: Engine): void {
  let n = 0;
  while (n < e.rcuWaiting.length && e.gpDone(e.rcuWaiting[n]!.target)) n++;
  if (n === 0) return;
  for (const cb of e.rcuWaiting.splice(0, n)) {
    const seq = e.irqSeq++;
    // the step that ended the grace period enabled the callback's delivery: they depend on each other
    if (e.fp !== null) e.fp.add(irqKey(seq));
    const name = `rcu:${cb.what}`;
    // (collectRunnables runs before step e.step: the previous step ended the grace period)
    addPending(e, { seq, name, key: pendingKey('softirq', name, seq), kind: 'softirq', fn: cb.fn, target: cb.cpu, rcu: cb, runnables: [], after: [cb.queued.step, e.step - 1] });
  }
}

/** Something is left to do: a task not finished, an interrupt running or pending, a callback waiting. */
export function workRemains(e: Engine): boolean {
  if (e.pending.length > 0 || e.rcuWaiting.length > 0) return true;
  return e.cpus.some((c) => c.tasks.length > 0 || c.stack.length > 1);
}
