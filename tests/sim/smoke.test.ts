// Smoke test of the machine's public surface: tasks on two CPUs, locks, RCU, interrupts, allocation.
import { describe, expect, it } from 'vitest';
import {
  ChoicesScheduler,
  Machine,
  RoundRobinScheduler,
  call_rcu,
  kfree,
  kmalloc,
  mutex_lock,
  mutex_unlock,
  rcu_read_lock,
  rcu_read_unlock,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  synchronize_rcu,
  type KObj,
} from '../../impl/sim/index.ts';

describe('machine smoke', () => {
  it('runs tasks on two CPUs with locks, RCU and an interrupt to quiescence', () => {
    const m = new Machine({ cpus: 2, scheduler: new RoundRobinScheduler() });
    const mu = m.mutex('M');
    const l = m.spinlock('L');
    let irqRan = 0;
    const obj: { h: KObj | null } = { h: null };
    m.spawn(0, 'writer', function* (m) {
      obj.h = yield* kmalloc(m, 'o', 'GFP_KERNEL');
      yield* mutex_lock(m, mu);
      yield* synchronize_rcu(m);
      yield* mutex_unlock(m, mu);
      const h = obj.h;
      yield* call_rcu(m, 'free o', function* (m) {
        kfree(m, h);
      });
    });
    m.spawn(1, 'reader', function* (m) {
      m.raise_irq('io', function* (m) {
        const f = yield* spin_lock_irqsave(m, l);
        irqRan++;
        yield* spin_unlock_irqrestore(m, l, f);
      });
      yield* rcu_read_lock(m);
      yield* m.point('read');
      yield* rcu_read_unlock(m);
    });
    const r = m.run();
    expect(r.ok).toBe(true);
    expect(irqRan).toBe(1);
    expect(m.liveObjects()).toBe(0);
    expect(m.log.some((e) => e.ctx === 'softirq' && e.task === 'rcu:free o')).toBe(true);
    expect(m.schedule.length).toBe(r.steps);
  });

  it('turns a thrown JS error into an exception failure', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    m.spawn(0, 't', function* (m) {
      yield* m.point('before');
      throw new Error('boom');
    });
    const r = m.run();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure.kind).toBe('exception');
      expect(r.failure.text()).toContain('boom');
    }
  });
});
