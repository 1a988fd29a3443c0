// RCU: callbacks and synchronize_rcu wait for every reader that was inside when they started; frees that do
// not wait are caught as use-after-free naming who freed the object.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ChoicesScheduler,
  Machine,
  call_rcu,
  kfree,
  kfree_rcu,
  kmalloc_plain,
  kmalloc,
  rcu_read_lock,
  rcu_read_unlock,
  synchronize_rcu,
  kobj_freed,
  wait_event,
  type KObj,
  type Task,
} from '../../impl/sim/index.ts';

/** A reader section that records itself in `active` exactly while it is inside (same steps as the lock ops). */
function* reader(m: Machine, active: Set<number>, token: number, steps: number): Task {
  yield* rcu_read_lock(m);
  active.add(token);
  for (let i = 0; i < steps; i++) yield* m.point('read');
  yield* rcu_read_unlock(m);
  active.delete(token);
}

describe('rcu', () => {
  it('a callback never runs, and synchronize_rcu never returns, before its grace period (any schedule)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 6 }), { maxLength: 300 }), (choices) => {
        const m = new Machine({ cpus: 3, scheduler: new ChoicesScheduler(choices) });
        const active = new Set<number>();
        const violations: string[] = [];
        let token = 0;
        let callbacks = 0;
        for (const cpu of [0, 1]) {
          m.spawn(cpu, `reader${cpu}`, function* (m) {
            for (let i = 0; i < 4; i++) {
              yield* reader(m, active, token++, 1 + (i % 3));
              m.raise_irq(`irq-reader${cpu}`, (m) => reader(m, active, token++, 1), { cpu });
            }
          });
        }
        m.spawn(2, 'updater', function* (m) {
          for (let i = 0; i < 3; i++) {
            const snapshot = new Set<number>();
            yield* call_rcu(m, `cb${i}`, function* () {
              callbacks++;
              for (const t of snapshot) if (active.has(t)) violations.push(`cb${i} ran while reader ${t} was inside`);
            });
            for (const t of active) snapshot.add(t);
            yield* m.point('between');
            const before = new Set(active);
            yield* synchronize_rcu(m);
            for (const t of before) if (active.has(t)) violations.push(`synchronize_rcu returned while reader ${t} was inside`);
          }
        });
        const r = m.run();
        expect(r.ok).toBe(true);
        expect(callbacks).toBe(3);
        expect(violations).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a free that does not wait for readers is caught at the reader`s access, naming who freed it', () => {
    // updater allocates and publishes; reader enters, picks the pointer; updater frees it at once; reader reads.
    const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler([1, 0, 1, 0, 1]) });
    const shared: { obj: KObj | null } = { obj: null };
    m.spawn(0, 'reader', function* (m) {
      yield* rcu_read_lock(m);
      const p = shared.obj!;
      yield* m.point('deref');
      m.access(p, 'reader deref');
      yield* rcu_read_unlock(m);
    });
    m.spawn(1, 'updater', function* (m) {
      shared.obj = yield* kmalloc(m, 'zswap_entry', 'GFP_KERNEL');
      yield* m.point('unpublish');
      kfree(m, shared.obj);
    });
    const r = m.run();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('use-after-free');
    expect(r.failure.message).toContain("'zswap_entry' read after it was freed");
    expect(r.failure.text()).toMatch(/Freed by task 'updater' on CPU#1 at step \d+: unpublish/);
    expect(r.failure.text()).toContain('BUG: KASAN: slab-use-after-free');
  });

  it('freeing through call_rcu is safe for readers on any schedule', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 3 }), { maxLength: 60 }), (choices) => {
        const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler(choices) });
        const shared: { obj: KObj | null } = { obj: null };
        m.spawn(0, 'reader', function* (m) {
          yield* rcu_read_lock(m);
          const p = shared.obj;
          yield* m.point('deref');
          if (p !== null) m.access(p, 'reader deref');
          yield* rcu_read_unlock(m);
        });
        m.spawn(1, 'updater', function* (m) {
          const old = yield* kmalloc(m, 'entry', 'GFP_KERNEL');
          shared.obj = old;
          yield* m.point('published');
          shared.obj = null;
          yield* call_rcu(m, 'free', function* (m) {
            kfree(m, old);
          });
        });
        expect(m.run().ok).toBe(true);
        expect(m.liveObjects()).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('an access after an RCU-deferred free (pointer kept past the section) is rcu-use-after-free', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    m.spawn(0, 't', function* (m) {
      const obj = yield* kmalloc(m, 'entry', 'GFP_KERNEL');
      yield* call_rcu(m, 'free', function* (m) {
        kfree(m, obj);
      });
      yield* wait_event(m, 'callback ran', () => kobj_freed(m, obj));
      m.access(obj, 'stale pointer');
    });
    const r = m.run();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.kind).toBe('rcu-use-after-free');
  });

  it("a CPU's callbacks run in the order they were queued, kfree_rcu's in a queue of their own (any schedule)", () => {
    // CPU 0 queues cb0, a kfree_rcu, cb1; CPU 1 queues cb2. Only each queue's head is ever deliverable.
    const orders = new Set<string>();
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 4 }), { maxLength: 40 }), (choices) => {
        const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler(choices) });
        const ran: string[] = [];
        const obj = kmalloc_plain(m, 'entry');
        // each callback notes whether the kfree_rcu'd object was already freed when it ran
        const cb = (name: string) =>
          function* (m: Machine) {
            ran.push(`${name}${kobj_freed(m, obj) ? ' (after the free)' : ''}`);
          };
        m.spawn(0, 'q0', function* (m) {
          yield* call_rcu(m, 'cb0', cb('cb0'));
          yield* kfree_rcu(m, 'entry', obj);
          yield* call_rcu(m, 'cb1', cb('cb1'));
        });
        m.spawn(1, 'q1', function* (m) {
          yield* call_rcu(m, 'cb2', cb('cb2'));
        });
        expect(m.run().ok).toBe(true);
        const cpu0 = ran.filter((r) => !r.startsWith('cb2'));
        expect(cpu0.map((r) => r.slice(0, 3))).toEqual(['cb0', 'cb1']);
        orders.add(cpu0.join(', '));
      }),
      { numRuns: 300 },
    );
    // the free lands before, between or after the call_rcu callbacks: the queues are apart
    expect([...orders].sort()).toEqual(['cb0 (after the free), cb1 (after the free)', 'cb0, cb1', 'cb0, cb1 (after the free)']);
  });
});
