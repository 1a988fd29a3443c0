// Lockdep: circular dependencies of any length, recursive locking, irq-usage inversion (direct and through
// the dependency graph); trylock adds no ordering; actual deadlocks when the schedule interleaves.
import { describe, expect, it } from 'vitest';
import {
  ChoicesScheduler,
  Machine,
  spin_lock,
  spin_lock_irq,
  spin_lock_nested,
  spin_trylock,
  spin_unlock,
  spin_unlock_irq,
  type SpinLock,
  type Task,
} from '../../../impl/sim/index.ts';

function* nested(m: Machine, outer: SpinLock, inner: SpinLock): Task {
  yield* spin_lock(m, outer);
  yield* spin_lock(m, inner);
  yield* spin_unlock(m, inner);
  yield* spin_unlock(m, outer);
}

function abba(lockdep: boolean, choices: number[]) {
  const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler(choices), lockdep });
  const a = m.spinlock('A');
  const b = m.spinlock('B');
  m.spawn(0, 't0', (m) => nested(m, a, b));
  m.spawn(1, 't1', (m) => nested(m, b, a));
  return m.run();
}

describe('lockdep', () => {
  // cpu0 takes A, cpu1 takes B, then each tries the other's.
  const interleaving = [0, 0, 1, 0, 1];

  it('ABBA: an actual deadlock when the schedule interleaves, reported per CPU', () => {
    const r = abba(false, interleaving);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('deadlock');
    const [c0, c1] = r.failure.cpus;
    expect(c0!.held.map((h) => h.lock)).toEqual(['A']);
    expect(c0!.waitsFor).toContain("spinlock 'B' held by CPU#1 task 't1'");
    expect(c1!.held.map((h) => h.lock)).toEqual(['B']);
    expect(c1!.waitsFor).toContain("spinlock 'A' held by CPU#0 task 't0'");
    expect(r.failure.chains?.[0]).toHaveLength(2);
  });

  it('ABBA: lockdep-circular under a schedule that does not interleave', () => {
    const r = abba(true, []);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('lockdep-circular');
    const text = r.failure.text();
    expect(text).toContain('WARNING: possible circular locking dependency detected');
    expect(text).toContain('Chain exists of: B --> A --> B');
    // Where the existing edge A -> B was first seen.
    expect(text).toContain("A -> B: B taken by task 't0' on CPU#0");
    expect(text).toMatch(/CPU0\s+CPU1/);
    expect(text).toContain('*** DEADLOCK ***');
  });

  it('ABBA: without lockdep the serial schedule passes (nothing deadlocked)', () => {
    expect(abba(false, []).ok).toBe(true);
  });

  it('ABBA with lockdep on reports the potential deadlock before the actual one', () => {
    const r = abba(true, interleaving);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.kind).toBe('lockdep-circular');
  });

  it('finds a three-lock cycle and prints its whole chain', () => {
    const m = new Machine({ cpus: 3, scheduler: new ChoicesScheduler([]) });
    const [a, b, c] = ['A', 'B', 'C'].map((n) => m.spinlock(n)) as [SpinLock, SpinLock, SpinLock];
    m.spawn(0, 'ab', (m) => nested(m, a, b));
    m.spawn(1, 'bc', (m) => nested(m, b, c));
    m.spawn(2, 'ca', (m) => nested(m, c, a));
    const r = m.run();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('lockdep-circular');
    expect(r.failure.message).toContain('C -> A -> B -> C');
    expect(r.failure.chains?.[0]).toHaveLength(3);
    expect(r.failure.text()).toContain("B -> C: C taken by task 'bc' on CPU#1");
  });

  it('three-lock cycle deadlocks for real when all three CPUs interleave', () => {
    const m = new Machine({ cpus: 3, scheduler: new ChoicesScheduler([0, 0, 1, 0, 2, 0]), lockdep: false });
    const [a, b, c] = ['A', 'B', 'C'].map((n) => m.spinlock(n)) as [SpinLock, SpinLock, SpinLock];
    m.spawn(0, 'ab', (m) => nested(m, a, b));
    m.spawn(1, 'bc', (m) => nested(m, b, c));
    m.spawn(2, 'ca', (m) => nested(m, c, a));
    const r = m.run();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('deadlock');
    expect(r.failure.cpus.map((c) => c.held.length)).toEqual([1, 1, 1]);
  });

  it('reports recursive locking of one class unless the nesting is annotated', () => {
    for (const annotate of [false, true]) {
      const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
      const c0 = m.spinlock('cluster->lock');
      const c1 = m.spinlock('cluster->lock');
      m.spawn(0, 't', function* (m) {
        yield* spin_lock(m, c0);
        if (annotate) yield* spin_lock_nested(m, c1, 1);
        else yield* spin_lock(m, c1);
        yield* spin_unlock(m, c1);
        yield* spin_unlock(m, c0);
      });
      const r = m.run();
      if (annotate) expect(r.ok).toBe(true);
      else {
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.failure.kind).toBe('lockdep-recursive');
          expect(r.failure.text()).toContain('WARNING: possible recursive locking detected');
        }
      }
    }
  });

  it('a trylock adds no ordering edge', () => {
    const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler([]) });
    const a = m.spinlock('A');
    const b = m.spinlock('B');
    m.spawn(0, 'a-then-try-b', function* (m) {
      yield* spin_lock(m, a);
      if (yield* spin_trylock(m, b)) yield* spin_unlock(m, b);
      yield* spin_unlock(m, a);
    });
    m.spawn(1, 'b-then-a', (m) => nested(m, b, a));
    expect(m.run().ok).toBe(true);
  });

  it('reports an irq-safe lock that depends on an irq-unsafe one (through the graph)', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    const safe = m.spinlock('safe');
    const unsafe = m.spinlock('unsafe');
    m.spawn(0, 't', function* (m) {
      // `unsafe` is taken with interrupts on: HARDIRQ-ON.
      yield* spin_lock(m, unsafe);
      yield* spin_unlock(m, unsafe);
      // safe -> unsafe, with interrupts off: no direct inconsistency yet.
      yield* spin_lock_irq(m, safe);
      yield* spin_lock(m, unsafe);
      yield* spin_unlock(m, unsafe);
      yield* spin_unlock_irq(m, safe);
      m.raise_irq('io', function* (m) {
        yield* spin_lock(m, safe);
        yield* spin_unlock(m, safe);
      });
      yield* m.point('irq pending');
    });
    const r = m.run();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('lockdep-irq-inversion');
    expect(r.failure.text()).toContain('HARDIRQ-safe -> HARDIRQ-unsafe lock order detected');
  });

  it('reports a class used in softirq context and taken with softirqs enabled in a task', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    const l = m.spinlock('swap_cgroup_lock');
    m.raise_softirq('rcu:free', function* (m) {
      yield* spin_lock(m, l);
      yield* spin_unlock(m, l);
    });
    m.spawn(0, 'after', function* (m) {
      yield* spin_lock(m, l);
      yield* spin_unlock(m, l);
    });
    const res = m.run();
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.failure.kind).toBe('lockdep-irq-inversion');
    expect(res.failure.text()).toMatch(/inconsistent \{(IN-SOFTIRQ-W|SOFTIRQ-ON-W)\} -> \{(IN-SOFTIRQ-W|SOFTIRQ-ON-W)\} usage/);
    expect(res.failure.text()).toContain('<Softirq>');
  });
});
