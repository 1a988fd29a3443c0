// Lockdep: validates every acquisition against the class-order graph (circular and recursive locking)
// and the interrupt-usage state of each class, so a potential deadlock is reported even when this schedule
// did not deadlock. Models kernel/locking/lockdep.c (__lock_acquire -> validate_chain, mark_usage).
import type { Engine } from '../engine.ts';
import type { CpuState, Ctx, Held, LockRec, Where } from '../state.ts';
import { ClassTable, ENABLED_HARDIRQ, ENABLED_SOFTIRQ, USED_IN_HARDIRQ, USED_IN_SOFTIRQ, type Edge } from './classes.ts';
import { markUsage, checkEdgeIrqSafety } from './usage.ts';
import { formatWhere } from '../report.ts';
import { circularScenario } from './scenario.ts';

export class Lockdep {
  readonly classes = new ClassTable();

  constructor(readonly e: Engine) {}

  classFor(name: string, subclass: number): number {
    return this.classes.classFor(name, subclass);
  }

  /** Models lock_acquire() for a lock about to be taken in context `ctx` on `cpu`. */
  acquire(ctx: Ctx, cpu: CpuState, lock: LockRec, cls: number, trylock: boolean): void {
    const where = this.e.where();
    const hardirq = ctx.kind === 'hardirq';
    let softirq = false;
    for (const c of cpu.stack) if (c.kind === 'softirq') softirq = true;
    // mark_usage: a trylock in interrupt context is not a "use in irq" (it cannot deadlock), but a trylock
    // with interrupts enabled still enables them for the class.
    if (!trylock && hardirq) markUsage(this, cls, USED_IN_HARDIRQ, where);
    if (!trylock && softirq) markUsage(this, cls, USED_IN_SOFTIRQ, where);
    if (cpu.irqsOn) {
      markUsage(this, cls, ENABLED_HARDIRQ, where);
      if (!softirq && !hardirq) markUsage(this, cls, ENABLED_SOFTIRQ, where);
    }
    // Trylocks add no dependencies: they can be taken in any order.
    if (trylock) return;
    const held = ctx.task.held;
    // check_deadlock: the same class already held in this context.
    for (let i = held.length - 1; i >= 0 && held[i]!.ctx === ctx; i--) {
      if (held[i]!.classId === cls) this.reportRecursive(held[i]!, lock, cls, where);
    }
    // check_prevs_add: a dependency from the nearest non-trylock held lock (and trylocks above it).
    for (let i = held.length - 1; i >= 0 && held[i]!.ctx === ctx; i--) {
      const h = held[i]!;
      this.addEdge(h, cls, where);
      if (!h.trylock) break;
    }
  }

  private addEdge(h: Held, to: number, where: Where): void {
    const from = this.classes.get(h.classId);
    if (from.out.has(to)) return;
    // check_noncircular: the new lock must not already (transitively) depend on the held one.
    const back = this.classes.path(to, h.classId);
    if (back !== null) this.reportCircular(h, to, where, back);
    const edge: Edge = { from: h.classId, to, where, heldWhere: h.where };
    checkEdgeIrqSafety(this, edge);
    from.out.set(to, edge);
    this.classes.get(to).in.set(h.classId, edge);
  }

  describeEdge(e: Edge): string {
    const c = this.classes;
    return `${c.label(e.from)} -> ${c.label(e.to)}: ${c.label(e.to)} taken by ${formatWhere(e.where)} while holding ${c.label(e.from)} (taken at step ${e.heldWhere.step}: ${e.heldWhere.what})`;
  }

  private reportCircular(h: Held, to: number, where: Where, back: Edge[]): never {
    const c = this.classes;
    const chainNames = [h.classId, to, ...back.map((e) => e.to)].map((id) => c.label(id));
    const lines = [
      `${where.task} is trying to acquire lock:`,
      `  (${c.label(to)}), at: ${formatWhere(where)}`,
      'but task is already holding lock:',
      `  (${c.label(h.classId)}), at: ${formatWhere(h.where)}`,
      'which lock already depends on the new lock.',
      '',
      'the existing dependency chain (in reverse order) is:',
      ...[...back].reverse().map((e, i) => `-> #${back.length - i} ${this.describeEdge(e)}`),
      '',
      `Chain exists of: ${chainNames.join(' --> ')}`,
      ...circularScenario(c.label(h.classId), c.label(to), c.label(back[back.length - 1]!.from)),
    ];
    const chain = [...back.map((e) => this.describeEdge(e)), `${c.label(h.classId)} -> ${c.label(to)}: new, ${formatWhere(where)}`];
    return this.e.fail('lockdep-circular', `possible circular locking dependency: ${chainNames.join(' -> ')}`, {
      lines,
      chains: [chain],
    });
  }

  private reportRecursive(h: Held, lock: LockRec, cls: number, where: Where): never {
    const c = this.classes;
    return this.e.fail('lockdep-recursive', `possible recursive locking of ${c.label(cls)} ('${lock.name}')`, {
      lines: [
        `${where.task} is trying to acquire lock:`,
        `  (${c.label(cls)}), at: ${formatWhere(where)}`,
        'but task is already holding lock:',
        `  (${c.label(h.classId)}), at: ${formatWhere(h.where)}`,
        '',
        ' Possible unsafe locking scenario:',
        '       CPU0',
        '       ----',
        `  lock(${c.label(cls)});`,
        `  lock(${c.label(cls)});`,
        '',
        ' *** DEADLOCK ***',
        '',
        ' May be due to missing lock nesting notation (spin_lock_nested)',
      ],
    });
  }
}
