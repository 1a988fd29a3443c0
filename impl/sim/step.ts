// One scheduled step: resume the top context of a CPU (switching tasks if the running one sleeps), or
// deliver an interrupt on top of what the CPU was doing.
import { Engine, LogRec } from './engine.ts';
import type { CpuState, Ctx, PointRec, RunnableRec } from './state.ts';
import { ACCEPTS_HARDIRQ, ACCEPTS_SOFTIRQ, GLOBAL, NONE, cpuKey, irqKey, lockKey, rcuQueueKey } from './footprint.ts';

export function stepOnce(e: Engine, r: RunnableRec): void {
  const cpu = e.cpus[r.cpu]!;
  // which interrupts the CPU accepted before the step (explore's races of a delivery with it)
  if (e.fp !== null && cpu.online && cpu.irqsOn) e.fp.accepts = cpu.stack.length === 1 ? ACCEPTS_HARDIRQ | ACCEPTS_SOFTIRQ : ACCEPTS_HARDIRQ;
  if (r.irq !== null) {
    deliver(e, cpu, r);
    return;
  }
  const top = cpu.stack[cpu.stack.length - 1]!;
  if (top !== cpu.stack[0] || !cpu.current.idle) {
    resume(e, cpu, top);
    return;
  }
  // The CPU is idle: the first ready task in spawn order gets it (which one depends on the waits of those before it).
  for (const t of cpu.tasks) {
    if (e.fp !== null) e.fp.add(waitKey(t.ctx));
    if (e.ready(t.ctx)) {
      cpu.current = t;
      cpu.stack[0] = t.ctx;
      resume(e, cpu, t.ctx);
      return;
    }
  }
  throw new Error(`sim: CPU#${cpu.id} was stepped with nothing ready`);
}

/** Interrupt entry: the handler runs on top of the CPU's current context (hardirq with interrupts off). */
function deliver(e: Engine, cpu: CpuState, r: RunnableRec): void {
  const irq = r.irq!;
  // the delivery takes the interrupt off the pending list (for every CPU) and changes only this CPU's state; the
  // handler's steps record what they touch (raising an interrupt is a global step; the one that ended an RCU
  // callback's grace period recorded the same interrupt key)
  e.touch(irqKey(irq.seq));
  if (e.recordFootprints) {
    // what it can never come before (for explore's races): its raising or queueing, the end of its grace period,
    // the delivery of the callback queued before it (kept in a replayed step too: a later delivery's footprint reads it)
    let prev: number | undefined;
    if (irq.rcu !== null) {
      // an RCU callback's delivery makes the next one of its queue deliverable
      const q = rcuQueueKey(irq.rcu.cpu, irq.rcu.kfree);
      prev = e.rcuQueueLast.get(q);
      e.rcuQueueLast.set(q, e.step);
      e.fp?.add(q);
    }
    if (e.fp !== null) e.fp.after = prev === undefined ? [...irq.after] : [...irq.after, prev];
  }
  e.pending.splice(e.pending.indexOf(irq), 1);
  const ctx = e.newCtx(irq.kind, irq.name, cpu.current, irq.fn, irq.seq);
  ctx.savedIrqsOn = cpu.irqsOn;
  ctx.savedPreempt = cpu.preempt;
  if (irq.rcu !== null) ctx.rcuWhat = irq.rcu.what;
  if (irq.kind === 'hardirq') cpu.irqsOn = false;
  cpu.stack.push(ctx);
  // an interrupt is one call of its handler, which starts here
  const a = e.observer?.enter !== undefined ? e.actorOf(ctx) : null;
  if (a !== null) e.observer!.enter!(a);
  resume(e, cpu, ctx);
  // the CPU's state changed unless the handler already returned (footprint.ts: an atomic delivery)
  if (e.fp !== null) {
    const key = cpuKey(cpu.id);
    if (cpu.stack.includes(ctx)) e.fp.add(key);
    else if (!e.fp.global) {
      // (its return recorded the key: the CPU is as it was, so drop it)
      e.fp.atomic = true;
      e.fp.keys.splice(e.fp.keys.indexOf(key), 1);
    }
  }
}

function resume(e: Engine, cpu: CpuState, ctx: Ctx): void {
  e.curCpu = cpu;
  e.curCtx = ctx;
  if (e.keepLog) e.log.push(new LogRec(e.step, cpu.id, ctx.kind, ctx.name, ctx.point !== null ? ctx.point.what : ctx.kind === 'task' ? 'start' : `${ctx.kind} entry`));
  if (!ctx.retrying) e.lastStepOn[cpu.id] = e.step;
  // footprint: what the point resumed from is about (a task's first step holds no lock, so it touches only its own
  // state before its first point; an interrupt's delivery records its own keys, in deliver)
  if (e.fp !== null) {
    e.fp.irq = ctx.irqSeq;
    if (ctx.point !== null) {
      e.fp.add(ctx.point.key);
      const w = ctx.point.wait;
      if (w !== null && (w.kind === 'timeout' || (w.kind === 'event' && w.key === GLOBAL))) e.fp.looseWake = true;
    }
  }
  if (ctx.gen === null) ctx.gen = ctx.factory!(e.m);
  const res = ctx.gen.next();
  if (res.done === true) {
    finish(e, cpu, ctx, res.value);
  } else {
    const p = (ctx.point = res.value as PointRec);
    // whether this CPU can go on now depends on the lock it waits for
    if (e.fp !== null && p.wait !== null && (p.wait.kind === 'spin' || p.wait.kind === 'mutex' || p.wait.kind === 'bit')) e.fp.add(lockKey(p.wait.lock.id));
    // A task that goes to sleep leaves the CPU to the idle task; it is picked up again once ready.
    if (ctx.kind === 'task' && Engine.sleeps(p.wait) && !e.ready(ctx)) {
      // whether this CPU can step again now depends on what each of its tasks waits for
      if (e.fp !== null) for (const t of cpu.tasks) e.fp.add(waitKey(t.ctx));
      cpu.current = cpu.idle;
      cpu.stack[0] = cpu.idle.ctx;
    }
  }
  e.curCpu = null;
  e.curCtx = null;
}

/** A task returned or an interrupt handler finished: check what it left behind. */
function finish(e: Engine, cpu: CpuState, ctx: Ctx, value: unknown): void {
  const left = ctx.task.held.filter((h) => h.ctx === ctx);
  if (left.length > 0) {
    const names = left.map((h) => `'${h.lock.name}' (taken at step ${h.where.step}: ${h.where.what})`);
    e.fail('lock-held-at-exit', `${ctx.kind} '${ctx.name}' ended holding ${names.join(', ')}`);
  }
  if (ctx.rcuDepth > 0) e.fail('lock-held-at-exit', `${ctx.kind} '${ctx.name}' ended inside an RCU read-side critical section`);
  if (ctx.atomic.length > 0) e.fail('bug', `${ctx.kind} '${ctx.name}' ended inside atomic section (${ctx.atomic.join(', ')})`);
  if (ctx.kind === 'task') {
    if (cpu.preempt !== 0) e.fail('bug', `task '${ctx.name}' exited with preempt_count ${cpu.preempt}`);
    if (!cpu.irqsOn) e.fail('bug', `task '${ctx.name}' exited with interrupts disabled`);
    const t = ctx.task;
    t.handle.done = true;
    t.handle.result = value;
    cpu.tasks.splice(cpu.tasks.indexOf(t), 1);
    if (e.fp !== null) for (const other of cpu.tasks) e.fp.add(waitKey(other.ctx));
    // the CPU may go down now that it has no task left (runnables.ts), and interrupts aimed at it move elsewhere
    e.touch(cpuKey(cpu.id));
    cpu.current = cpu.idle;
    cpu.stack[0] = cpu.idle.ctx;
  } else {
    if (cpu.preempt !== ctx.savedPreempt) {
      e.fail('bug', `${ctx.kind} '${ctx.name}' entered with preempt_count ${ctx.savedPreempt}, exited with ${cpu.preempt}`);
    }
    cpu.stack.pop();
    cpu.irqsOn = ctx.savedIrqsOn;
    e.touch(cpuKey(cpu.id));
    // an interrupt is one call of its handler, which ends here
    const a = e.observer?.leave !== undefined ? e.actorOf(ctx) : null;
    if (a !== null) e.observer!.leave!(a);
  }
}

/** The footprint key of what a context waits for: nothing, a lock, a named condition or a grace period, or GLOBAL. */
function waitKey(ctx: Ctx): number {
  const w = ctx.point?.wait;
  if (w === undefined || w === null) return NONE;
  if (w.kind === 'event' || w.kind === 'rcu') return w.key;
  return w.kind === 'spin' || w.kind === 'mutex' || w.kind === 'bit' ? lockKey(w.lock.id) : GLOBAL;
}
