// Per-CPU reports (what each CPU runs, holds and waits for) and the no-progress deadlock report.
import type { Engine } from './engine.ts';
import type { CpuReport, HeldReport } from './failure.ts';
import type { CpuState, Ctx, Held, LockRec, Where } from './state.ts';

export function formatWhere(w: Where): string {
  const label = w.label !== null && w.label !== w.what ? ` (after '${w.label}')` : '';
  return `${w.ctx} '${w.task}' on CPU#${w.cpu} at step ${w.step}: ${w.what}${label}`;
}

function heldReport(h: Held): HeldReport {
  return { lock: h.lock.name, kind: h.lock.kind + (h.trylock ? ' trylock' : ''), ctx: h.ctx.kind, where: formatWhere(h.where) };
}

function holder(e: Engine, l: LockRec): string {
  if (!l.locked) return 'now free';
  const w = l.where !== null ? `, taken at step ${l.where.step}: ${l.where.what}` : '';
  if (l.kind === 'bit') return `locked by task '${l.ownerTask?.name ?? '?'}'${w}`;
  return `held by CPU#${l.ownerCpu} task '${l.ownerTask?.name ?? '?'}'${w}`;
}

export function describeWait(e: Engine, ctx: Ctx): string | null {
  const w = ctx.point?.wait;
  if (w === undefined || w === null) return null;
  switch (w.kind) {
    case 'spin':
      return `spinning on ${w.lock.kind === 'raw' ? 'raw spinlock' : 'spinlock'} '${w.lock.name}' ${holder(e, w.lock)}`;
    case 'mutex':
      return `sleeping on mutex '${w.lock.name}' ${holder(e, w.lock)}`;
    case 'bit':
      return `sleeping on bit lock '${w.lock.name}' ${holder(e, w.lock)}`;
    case 'rcu': {
      const readers = e.activeReaders.filter((id) => id < w.target);
      return `synchronize_rcu: waiting for ${readers.length} RCU reader(s) (${readerNames(e, readers).join(', ')})`;
    }
    case 'event':
      return `sleeping in wait_event '${w.what}'`;
    case 'timeout':
      return `sleeping in schedule_timeout '${w.what}'`;
  }
}

function readerNames(e: Engine, ids: number[]): string[] {
  const names: string[] = [];
  for (const cpu of e.cpus) {
    const ctxs = [...cpu.stack, ...cpu.tasks.map((t) => t.ctx)];
    for (const c of ctxs) {
      const name = `'${c.name}' on CPU#${cpu.id}`;
      if (c.rcuDepth > 0 && ids.includes(c.readerId) && !names.includes(name)) names.push(name);
    }
    if (cpu.preempt > 0 && ids.includes(cpu.preemptReader)) names.push(`CPU#${cpu.id} with preemption disabled ('${cpu.current.name}')`);
  }
  return names;
}

export function cpuReport(e: Engine, cpu: CpuState): CpuReport {
  const top = cpu.stack[cpu.stack.length - 1]!;
  return {
    cpu: cpu.id,
    online: cpu.online,
    task: cpu.current.name,
    contexts: cpu.stack.map((c) => ({ kind: c.kind, name: c.name })),
    irqsOn: cpu.irqsOn,
    preemptCount: cpu.preempt,
    rcuDepth: cpu.stack.reduce((n, c) => n + c.rcuDepth, 0),
    atomic: cpu.stack.flatMap((c) => c.atomic),
    held: cpu.current.held.map(heldReport),
    // the context being stepped when the failure hit is running, not waiting for what its last point waited for
    waitsFor: top === e.curCtx ? null : describeWait(e, top),
    queued: cpu.tasks
      .filter((t) => t !== cpu.current)
      .map((t) => {
        const held = t.held.length > 0 ? ` holding ${t.held.map((h) => `'${h.lock.name}'`).join(', ')}` : '';
        return `task '${t.name}'${held}: ${describeWait(e, t.ctx) ?? (t.ctx.gen === null ? 'not started' : 'ready')}`;
      }),
  };
}

export function cpuReports(e: Engine): CpuReport[] {
  return e.cpus.map((c) => cpuReport(e, c));
}

/** No CPU can make progress while work remains: name every stuck context, and the chain of waits. */
export function reportDeadlock(e: Engine): never {
  const chain: string[] = [];
  for (const cpu of e.cpus) {
    const ctxs = [...cpu.stack.slice(cpu.current.idle ? 1 : 0), ...cpu.tasks.filter((t) => t !== cpu.current).map((t) => t.ctx)];
    for (const ctx of ctxs) {
      const waits = describeWait(e, ctx);
      const held = ctx.task.held.filter((h) => h.ctx === ctx).map((h) => `'${h.lock.name}'`);
      chain.push(`CPU#${cpu.id} ${ctx.kind} '${ctx.name}'${held.length > 0 ? ` holds ${held.join(', ')};` : ''} ${waits ?? 'not runnable'}`);
    }
    if (!cpu.online && cpu.tasks.length > 0) chain.push(`CPU#${cpu.id} is offline with ${cpu.tasks.length} task(s) queued`);
  }
  for (const irq of e.pending) {
    chain.push(`pending ${irq.kind} '${irq.name}' for ${irq.target === null ? 'any CPU' : `CPU#${irq.target}`}: no CPU with interrupts enabled`);
  }
  if (e.rcuWaiting.length > 0) chain.push(`${e.rcuWaiting.length} RCU callback(s) waiting for a grace period`);
  e.curCpu = null;
  e.curCtx = null;
  return e.fail('deadlock', `no CPU can make progress while work remains (${chain.length} stuck)`, { chains: [chain] });
}
