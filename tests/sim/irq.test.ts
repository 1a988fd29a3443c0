// Interrupt delivery, irq inversion (actual and potential), sleeping and allocating in atomic context.
import { describe, expect, it } from 'vitest';
import {
  ChoicesScheduler,
  Machine,
  RoundRobinScheduler,
  enter_atomic_section,
  exit_atomic_section,
  kmalloc,
  local_irq_disable,
  local_irq_enable,
  might_sleep,
  mutex_lock,
  mutex_unlock,
  preempt_disable,
  preempt_enable,
  rcu_read_lock,
  spin_lock,
  spin_lock_irq,
  spin_unlock,
  spin_unlock_irq,
  type SpinLock,
  type Task,
} from '../../impl/sim/index.ts';

function* irqHandler(m: Machine, l: SpinLock): Task {
  yield* spin_lock(m, l);
  yield* spin_unlock(m, l);
}

/** A task holding `L` with interrupts on, and an interrupt on the same CPU that takes `L`. */
function inversion(choices: number[], lockdep: boolean, irqSafeTask = false) {
  const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler(choices), lockdep });
  const l = m.spinlock('L');
  m.raise_irq('io_done', (m) => irqHandler(m, l), { cpu: 0 });
  m.spawn(0, 'writer', function* (m) {
    if (irqSafeTask) yield* spin_lock_irq(m, l);
    else yield* spin_lock(m, l);
    yield* m.point('critical section');
    if (irqSafeTask) yield* spin_unlock_irq(m, l);
    else yield* spin_unlock(m, l);
  });
  return m.run();
}

describe('interrupts', () => {
  it('an interrupt landing while its lock is held on the same CPU is an actual self-deadlock', () => {
    // start writer, take L, then deliver the interrupt (choice 1 = the other runnable).
    for (const lockdep of [true, false]) {
      const r = inversion([0, 0, 1], lockdep);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.failure.kind).toBe('self-deadlock');
      expect(r.failure.cpus[0]!.contexts.map((c) => c.kind)).toEqual(['task', 'hardirq']);
      expect(r.failure.cpus[0]!.irqsOn).toBe(false);
    }
  });

  it('the same code is reported by lockdep when the interrupt does not land inside', () => {
    const r = inversion([], true);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('lockdep-irq-inversion');
    expect(r.failure.text()).toContain('inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.');
    expect(r.failure.text()).toContain('<Interrupt>');
  });

  it('with lockdep off and no unlucky timing nothing is reported', () => {
    expect(inversion([], false).ok).toBe(true);
  });

  it('the _irq variant is correct: the interrupt cannot land while L is held', () => {
    for (const choices of [[], [0, 0, 1], [1, 1, 1, 1], [0, 1, 0, 1]]) {
      const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler(choices) });
      const l = m.spinlock('L');
      m.raise_irq('io_done', (m) => irqHandler(m, l), { cpu: 0 });
      m.spawn(0, 'writer', function* (m) {
        yield* spin_lock_irq(m, l);
        yield* m.point('critical section');
        yield* spin_unlock_irq(m, l);
      });
      const r = m.run();
      expect(r.ok).toBe(true);
      const entry = m.log.findIndex((e) => e.ctx === 'hardirq');
      const lockedAt = m.log.findIndex((e) => e.what === 'spin_lock_irq(L)');
      const unlockedAt = m.log.findIndex((e) => e.what === 'spin_unlock_irq(L)');
      expect(entry < lockedAt || entry > unlockedAt).toBe(true);
    }
  });

  it('sleeping under a spinlock is sleep-in-atomic', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    const l = m.spinlock('ci->lock');
    const mu = m.mutex('swapon_mutex');
    m.spawn(0, 't', function* (m) {
      yield* spin_lock(m, l);
      yield* mutex_lock(m, mu);
      yield* mutex_unlock(m, mu);
      yield* spin_unlock(m, l);
    });
    const r = m.run();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('sleep-in-atomic');
    expect(r.failure.message).toContain("spinlock held ('ci->lock')");
    expect(r.failure.text()).toContain('BUG: sleeping function called from invalid context');
  });

  it('a GFP_KERNEL allocation in an atomic section is sleep-in-atomic; GFP_ATOMIC is fine', () => {
    for (const gfp of ['GFP_KERNEL', 'GFP_ATOMIC'] as const) {
      const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
      m.spawn(0, 'cpuhp', function* (m) {
        yield* enter_atomic_section(m, 'vswap_cpu_dead');
        yield* kmalloc(m, 'cluster', gfp);
        yield* exit_atomic_section(m);
      });
      const r = m.run();
      if (gfp === 'GFP_ATOMIC') expect(r.ok).toBe(true);
      else {
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.failure.kind).toBe('sleep-in-atomic');
          expect(r.failure.message).toContain('in atomic section (vswap_cpu_dead)');
        }
      }
    }
  });

  it('might_sleep names each forbidden state: irqs off, preempt off, RCU, hardirq', () => {
    const cases: [string, (m: Machine) => Task][] = [
      ['interrupts disabled', (m) => local_irq_disable(m)],
      ['preemption disabled', (m) => preempt_disable(m)],
      ['RCU read-side critical section', (m) => rcu_read_lock(m)],
    ];
    for (const [why, enter] of cases) {
      const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
      m.spawn(0, 't', function* (m) {
        yield* enter(m);
        yield* might_sleep(m, 'x');
      });
      const r = m.run();
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.failure.message).toContain(why);
    }
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    m.raise_irq('bad', (m) => might_sleep(m, 'in irq'));
    const r = m.run();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.message).toContain('in hardirq context');
  });

  it('delivers interrupts only where they are enabled, and softirqs only outside interrupts', () => {
    const m = new Machine({ cpus: 2, scheduler: new RoundRobinScheduler() });
    let where = -1;
    m.spawn(0, 'irqs-off', function* (m) {
      yield* local_irq_disable(m);
      m.raise_irq('any', function* (m) {
        where = m.cpu();
        m.raise_softirq('bh', function* (m) {
          yield* m.point(`softirq on ${m.context()}`);
        }, { cpu: m.cpu() });
        yield* m.point('handler');
      });
      for (let i = 0; i < 5; i++) yield* m.point('busy');
      yield* local_irq_enable(m);
      yield* preempt_disable(m);
      yield* preempt_enable(m);
    });
    m.spawn(1, 'other', function* (m) {
      for (let i = 0; i < 5; i++) yield* m.point('work');
    });
    expect(m.run().ok).toBe(true);
    expect(where).toBe(1);
    const hard = m.log.findIndex((e) => e.ctx === 'hardirq');
    const soft = m.log.findIndex((e) => e.ctx === 'softirq');
    expect(soft).toBeGreaterThan(hard);
    // The softirq never ran on top of the hardirq.
    const lastHard = m.log.map((e) => e.ctx).lastIndexOf('hardirq');
    expect(soft).toBeGreaterThan(lastHard);
  });
});
