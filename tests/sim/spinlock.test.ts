// Spinlocks: AA self-deadlock, trylock, unlock checks, raw locks, irqsave flags, lockdep_assert_held.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ChoicesScheduler,
  Machine,
  irqs_disabled,
  lockdep_assert_held,
  raw_spin_lock,
  raw_spin_unlock,
  spin_lock,
  spin_lock_irqsave,
  spin_trylock,
  spin_unlock,
  spin_unlock_irqrestore,
  local_irq_disable,
  local_irq_enable,
} from '../../impl/sim/index.ts';

function failureOf(m: Machine) {
  const r = m.run();
  if (r.ok) throw new Error(`expected a failure, the run ended after ${r.steps} steps`);
  return r.failure;
}

describe('spinlock', () => {
  it('reports a CPU taking a lock it already holds as self-deadlock, with and without lockdep', () => {
    for (const lockdep of [true, false]) {
      const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]), lockdep });
      const a = m.spinlock('A');
      m.spawn(0, 'reclaim', function* (m) {
        yield* spin_lock(m, a);
        yield* m.point('__remove_mapping');
        yield* spin_lock(m, a);
      });
      const f = failureOf(m);
      expect(f.kind).toBe('self-deadlock');
      expect(f.text()).toContain('BUG: spinlock recursion');
      expect(f.message).toContain('CPU#0');
      expect(f.cpus[0]!.held.map((h) => h.lock)).toEqual(['A']);
      expect(f.cpus[0]!.held[0]!.where).toContain("task 'reclaim'");
    }
  });

  it('trylock on a held lock fails instead of deadlocking, on any schedule', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 4 }), { maxLength: 60 }), (choices) => {
        const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler(choices) });
        const a = m.spinlock('A');
        const b = m.spinlock('B');
        const got: boolean[] = [];
        let selfTry: boolean | null = null;
        m.spawn(0, 'ab', function* (m) {
          yield* spin_lock(m, a);
          const ok = yield* spin_trylock(m, b);
          got.push(ok);
          if (ok) yield* spin_unlock(m, b);
          yield* spin_unlock(m, a);
        });
        m.spawn(1, 'ba', function* (m) {
          yield* spin_lock(m, b);
          const ok = yield* spin_trylock(m, a);
          got.push(ok);
          if (ok) yield* spin_unlock(m, a);
          selfTry = yield* spin_trylock(m, b);
          yield* spin_unlock(m, b);
        });
        const r = m.run();
        expect(r.ok).toBe(true);
        expect(got).toHaveLength(2);
        expect(selfTry).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('reports unlocking a lock nobody holds, and a lock held by another CPU', () => {
    const m1 = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    const a = m1.spinlock('A');
    m1.spawn(0, 't', function* (m) {
      yield* spin_unlock(m, a);
    });
    const f1 = failureOf(m1);
    expect(f1.kind).toBe('bad-unlock');
    expect(f1.text()).toContain('WARNING: bad unlock balance detected!');

    const m2 = new Machine({ cpus: 2, scheduler: new ChoicesScheduler([0, 0, 1]) });
    const b = m2.spinlock('B');
    m2.spawn(0, 'owner', function* (m) {
      yield* spin_lock(m, b);
      yield* m.point('hold');
      yield* spin_unlock(m, b);
    });
    m2.spawn(1, 'thief', function* (m) {
      yield* spin_unlock(m, b);
    });
    const f2 = failureOf(m2);
    expect(f2.kind).toBe('bad-unlock');
    expect(f2.message).toContain('held by CPU#0, released on CPU#1');
  });

  it('keeps raw and plain spinlock APIs apart', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    const plain = m.spinlock('plain');
    const raw = m.spinlock('raw', { raw: true });
    m.spawn(0, 't', function* (m) {
      yield* raw_spin_lock(m, raw);
      yield* raw_spin_unlock(m, raw);
      yield* raw_spin_lock(m, plain);
    });
    const f = failureOf(m);
    expect(f.kind).toBe('bug');
    expect(f.message).toContain('raw_spin_lock used on spinlock_t');
  });

  it('spin_lock_irqsave restores the interrupt state it found', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    const a = m.spinlock('A');
    const seen: boolean[] = [];
    m.spawn(0, 't', function* (m) {
      yield* local_irq_disable(m);
      const f1 = yield* spin_lock_irqsave(m, a);
      yield* spin_unlock_irqrestore(m, a, f1);
      seen.push(irqs_disabled(m));
      yield* local_irq_enable(m);
      const f2 = yield* spin_lock_irqsave(m, a);
      seen.push(irqs_disabled(m));
      yield* spin_unlock_irqrestore(m, a, f2);
      seen.push(irqs_disabled(m));
    });
    expect(m.run().ok).toBe(true);
    expect(seen).toEqual([true, true, false]);
  });

  it('lockdep_assert_held fails when the lock is not held by this CPU', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    const a = m.spinlock('A');
    m.spawn(0, 't', function* (m) {
      yield* spin_lock(m, a);
      lockdep_assert_held(m, a);
      yield* spin_unlock(m, a);
      lockdep_assert_held(m, a);
    });
    const f = failureOf(m);
    expect(f.kind).toBe('bug');
    expect(f.message).toContain("lockdep_assert_held('A')");
  });
});
