// The machine: task order and sleeping, deadlock and exit reports, step limit, CPU offline, determinism.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ChoicesScheduler,
  Machine,
  RoundRobinScheduler,
  lock_bit,
  mutex_lock,
  mutex_unlock,
  spin_lock,
  spin_unlock,
  unlock_bit,
  wait_event,
  type Task,
} from '../../impl/sim/index.ts';

describe('machine', () => {
  it('runs the tasks of one CPU in order, and the next one when the running one sleeps', () => {
    // cpu1 takes the mutex, then cpu0 runs 'sleeper' into it, and 'second' while it sleeps.
    const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler([1, 0, 1, 0, 0, 0]) });
    const mu = m.mutex('M');
    const order: string[] = [];
    m.spawn(1, 'holder', function* (m) {
      yield* mutex_lock(m, mu);
      order.push('holder locked');
      yield* m.point('hold');
      yield* m.point('hold');
      yield* mutex_unlock(m, mu);
    });
    m.spawn(0, 'sleeper', function* (m) {
      yield* m.point('let holder in');
      yield* mutex_lock(m, mu);
      order.push('sleeper locked');
      yield* mutex_unlock(m, mu);
    });
    m.spawn(0, 'second', function* (m) {
      order.push('second ran');
      yield* m.point('x');
    });
    const res = m.run();
    expect(res.ok).toBe(true);
    expect(order).toEqual(['holder locked', 'second ran', 'sleeper locked']);
    expect(m.log.some((e) => e.task === 'sleeper' && e.what === 'mutex_lock(M) sleeping')).toBe(true);
  });

  it('reports a mutex ABBA as a deadlock naming what each task sleeps on', () => {
    const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler([0, 0, 1, 0]), lockdep: false });
    const a = m.mutex('A');
    const b = m.mutex('B');
    const body = (x: typeof a, y: typeof a) =>
      function* (m: Machine): Task {
        yield* mutex_lock(m, x);
        yield* mutex_lock(m, y);
        yield* mutex_unlock(m, y);
        yield* mutex_unlock(m, x);
      };
    m.spawn(0, 't0', body(a, b));
    m.spawn(1, 't1', body(b, a));
    const r = m.run();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('deadlock');
    const chain = r.failure.chains![0]!.join('\n');
    expect(chain).toContain("task 't0' holds 'A'; sleeping on mutex 'B' held by CPU#1 task 't1'");
    expect(chain).toContain("task 't1' holds 'B'; sleeping on mutex 'A' held by CPU#0 task 't0'");
  });

  it('reports a lock held when a task ends', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    const l = m.spinlock('L');
    m.spawn(0, 'leaky', function* (m) {
      yield* spin_lock(m, l);
    });
    const r = m.run();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure.kind).toBe('lock-held-at-exit');
      expect(r.failure.message).toContain("'L'");
    }
  });

  it('ends a livelock with step-limit', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]), stepLimit: 500 });
    m.spawn(0, 'spinner', function* (m) {
      for (;;) yield* m.point('poll');
    });
    const r = m.run();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure.kind).toBe('step-limit');
      expect(r.failure.text()).toContain('livelock or step limit');
      expect(r.steps).toBe(500);
    }
  });

  it('wait_event sleeps without burning steps and wakes when another CPU makes it true', () => {
    const m = new Machine({ cpus: 2, scheduler: new RoundRobinScheduler() });
    const flag = { set: false };
    const bit = m.bitLock('folio');
    m.spawn(0, 'waiter', function* (m) {
      yield* wait_event(m, 'flag', () => flag.set);
      yield* lock_bit(m, bit);
      yield* unlock_bit(m, bit);
    });
    m.spawn(1, 'setter', function* (m) {
      yield* lock_bit(m, bit);
      for (let i = 0; i < 20; i++) yield* m.point('work');
      flag.set = true;
      yield* m.point('after');
      yield* unlock_bit(m, bit);
    });
    const r = m.run();
    expect(r.ok).toBe(true);
    expect(m.log.filter((e) => e.task === 'waiter').length).toBeLessThan(8);
  });

  it('an offline CPU takes no more interrupts; they move to online CPUs', () => {
    const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler([]) });
    const ran: number[] = [];
    m.setOnline(1, false);
    m.spawn(0, 't', function* (m) {
      m.raise_irq('io', function* (m) {
        ran.push(m.cpu());
      }, { cpu: 1 });
      yield* m.point('x');
    });
    expect(m.run().ok).toBe(true);
    expect(ran).toEqual([0]);
    expect(m.isOnline(1)).toBe(false);
  });

  it('is deterministic: the same choices give the same log and schedule', () => {
    const build = (choices: number[]) => {
      const m = new Machine({ cpus: 3, scheduler: new ChoicesScheduler(choices) });
      const l = m.spinlock('L');
      for (let c = 0; c < 3; c++) {
        m.spawn(c, `t${c}`, function* (m) {
          for (let i = 0; i < 3; i++) {
            yield* spin_lock(m, l);
            m.trace(`t${c} in ${i}`);
            yield* spin_unlock(m, l);
            m.raise_irq('tick', function* (m) {
              yield* m.point('tick');
            });
          }
        });
      }
      const r = m.run();
      return { ok: r.ok, log: JSON.stringify(m.log), schedule: [...m.schedule] };
    };
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 8 }), { maxLength: 80 }), (choices) => {
        const a = build(choices);
        const b = build(choices);
        expect(a.ok).toBe(true);
        expect(b).toEqual(a);
      }),
      { numRuns: 100 },
    );
  });
});
