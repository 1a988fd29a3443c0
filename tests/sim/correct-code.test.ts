// Correct locking gives no report on any schedule: a consistent order (reverse direction by trylock), an
// irq-safe lock taken with _irqsave in tasks and plainly in the handler, sleeping locks outside atomic
// sections, RCU-deferred frees, a folio-like bit lock released by I/O completion.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ChoicesScheduler,
  Machine,
  atomic_inc,
  call_rcu,
  kfree,
  kmalloc,
  local_lock,
  local_unlock,
  lock_bit,
  mutex_lock,
  mutex_unlock,
  rcu_read_lock,
  rcu_read_unlock,
  refcount_dec_and_test,
  refcount_inc_not_zero,
  spin_lock,
  spin_lock_irqsave,
  spin_trylock,
  spin_unlock,
  spin_unlock_irqrestore,
  wait_event,
  test_bit_locked,
  unlock_bit,
  type KObj,
  type Task,
} from '../../impl/sim/index.ts';

function workload(choices: number[]): Machine {
  const m = new Machine({ cpus: 3, scheduler: new ChoicesScheduler(choices), stepLimit: 10_000 });
  const pcp = m.localLock('percpu_swap_cluster');
  const cluster = m.spinlock('cluster->lock');
  const xa = m.spinlock('vswap_cluster_map');
  const io = m.spinlock('io->lock');
  const swapon = m.mutex('swapon_mutex');
  const folio = m.bitLock('folio');
  const completions = m.atomic('completions');
  const ref = m.refcount('entry->ref', 1);
  const published: { obj: KObj | null } = { obj: null };

  function* completion(m: Machine): Task {
    yield* spin_lock(m, io);
    yield* atomic_inc(m, completions);
    yield* spin_unlock(m, io);
    // I/O completion unlocks the folio from interrupt context.
    if (test_bit_locked(m, folio)) yield* unlock_bit(m, folio);
  }

  m.spawn(0, 'alloc', function* (m) {
    for (let i = 0; i < 3; i++) {
      yield* local_lock(m, pcp);
      yield* spin_lock(m, cluster);
      yield* spin_lock(m, xa);
      yield* spin_unlock(m, xa);
      yield* spin_unlock(m, cluster);
      yield* local_unlock(m, pcp);
      const f = yield* spin_lock_irqsave(m, io);
      yield* spin_unlock_irqrestore(m, io, f);
    }
  });
  m.spawn(1, 'scan', function* (m) {
    for (let i = 0; i < 3; i++) {
      // The reverse direction (xarray lock, then a cluster) must use trylock.
      yield* spin_lock(m, xa);
      if (yield* spin_trylock(m, cluster)) yield* spin_unlock(m, cluster);
      yield* spin_unlock(m, xa);
    }
    yield* mutex_lock(m, swapon);
    published.obj = yield* kmalloc(m, 'entry', 'GFP_KERNEL');
    yield* mutex_unlock(m, swapon);
    yield* lock_bit(m, folio);
    m.raise_irq('bio_end_io', completion);
    yield* wait_event(m, 'writeback done', () => !test_bit_locked(m, folio));
  });
  m.spawn(2, 'reader', function* (m) {
    for (let i = 0; i < 4; i++) {
      yield* rcu_read_lock(m);
      const p = published.obj;
      yield* m.point('deref');
      if (p !== null) m.access(p, 'reader');
      yield* rcu_read_unlock(m);
      m.raise_irq('timer', completion, { cpu: 2 });
    }
    if (yield* refcount_inc_not_zero(m, ref)) yield* refcount_dec_and_test(m, ref);
    yield* wait_event(m, 'published', () => published.obj !== null);
    const old = published.obj!;
    published.obj = null;
    yield* call_rcu(m, 'free entry', function* (m) {
      kfree(m, old);
    });
    yield* refcount_dec_and_test(m, ref);
  });
  return m;
}

describe('correct code', () => {
  it('gives no report over many random schedules', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 7 }), { maxLength: 400 }), (choices) => {
        const m = workload(choices);
        const r = m.run();
        if (!r.ok) throw new Error(r.failure.text());
        expect(m.liveObjects()).toBe(0);
      }),
      { numRuns: 400 },
    );
  });
});
