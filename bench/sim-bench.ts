// Simulator throughput: scheduled steps per second on a lock-heavy workload (4 CPUs, nested spinlocks,
// an irq-safe lock, a mutex, RCU readers and call_rcu frees, interrupts), with lockdep on and off.
// Run: npx tsx bench/sim-bench.ts [executions]
import {
  Machine,
  PctScheduler,
  call_rcu,
  kfree,
  kmalloc,
  local_lock,
  local_unlock,
  mutex_lock,
  mutex_unlock,
  rcu_read_lock,
  rcu_read_unlock,
  spin_lock,
  spin_lock_irqsave,
  spin_lock_nested,
  spin_trylock,
  spin_unlock,
  spin_unlock_irqrestore,
  type KObj,
  type Task,
} from '../impl/sim/index.ts';

const CPUS = 4;
const ROUNDS = 40;

function build(seed: number, lockdep: boolean): Machine {
  const m = new Machine({ cpus: CPUS, scheduler: new PctScheduler({ seed, depth: 3, expectedSteps: 3000 }), lockdep, stepLimit: 100_000 });
  const pcp = m.localLock('percpu_swap_cluster');
  const clusters = [0, 1, 2, 3].map(() => m.spinlock('cluster->lock'));
  const xa = m.spinlock('vswap_cluster_map');
  const io = m.spinlock('io->lock');
  const mu = m.mutex('swapon_mutex');
  const slot: { obj: KObj | null } = { obj: null };

  function* completion(m: Machine): Task {
    yield* spin_lock(m, io);
    yield* m.point('complete');
    yield* spin_unlock(m, io);
  }

  for (let cpu = 0; cpu < CPUS; cpu++) {
    m.spawn(cpu, `worker${cpu}`, function* (m) {
      for (let i = 0; i < ROUNDS; i++) {
        const a = clusters[(cpu + i) % 4]!;
        const b = clusters[(cpu + i + 1) % 4]!;
        yield* local_lock(m, pcp);
        yield* spin_lock(m, a);
        if (a !== b) {
          yield* spin_lock_nested(m, b, 1);
          yield* spin_unlock(m, b);
        }
        yield* spin_lock(m, xa);
        yield* spin_unlock(m, xa);
        yield* spin_unlock(m, a);
        yield* local_unlock(m, pcp);
        yield* spin_lock(m, xa);
        if (yield* spin_trylock(m, a)) yield* spin_unlock(m, a);
        yield* spin_unlock(m, xa);
        const f = yield* spin_lock_irqsave(m, io);
        yield* spin_unlock_irqrestore(m, io, f);
        yield* rcu_read_lock(m);
        const p = slot.obj;
        yield* m.point('deref');
        if (p !== null) m.access(p, 'reader');
        yield* rcu_read_unlock(m);
        if (i % 4 === cpu % 4) {
          yield* mutex_lock(m, mu);
          const fresh = yield* kmalloc(m, 'entry', 'GFP_KERNEL');
          const old = slot.obj;
          slot.obj = fresh;
          yield* mutex_unlock(m, mu);
          if (old !== null) yield* call_rcu(m, 'free entry', function* (m) {
            kfree(m, old);
          });
        }
        if (i % 3 === 0) m.raise_irq('bio_end_io', completion);
      }
    });
  }
  return m;
}

function measure(lockdep: boolean, executions: number): { steps: number; ms: number } {
  let steps = 0;
  const t0 = performance.now();
  for (let s = 0; s < executions; s++) {
    const r = build(1000 + s, lockdep).run();
    if (!r.ok) throw new Error(`bench workload failed (seed ${1000 + s}):\n${r.failure.text()}`);
    steps += r.steps;
  }
  return { steps, ms: performance.now() - t0 };
}

const executions = Number(process.argv[2] ?? 200);
measure(true, 20);
measure(false, 20);
// Alternate the two modes in batches so JIT and GC drift fall on both alike.
const on = { steps: 0, ms: 0 };
const off = { steps: 0, ms: 0 };
const BATCHES = 5;
for (let b = 0; b < BATCHES; b++) {
  for (const [lockdep, acc] of [[true, on], [false, off]] as const) {
    const x = measure(lockdep, Math.ceil(executions / BATCHES));
    acc.steps += x.steps;
    acc.ms += x.ms;
  }
}
const rate = (x: { steps: number; ms: number }) => (x.steps / x.ms) * 1000;
console.log(`workload: ${CPUS} CPUs x ${ROUNDS} rounds, ${executions} executions per mode, ~${Math.round(on.steps / executions)} steps each`);
console.log(`lockdep on : ${Math.round(rate(on)).toLocaleString('en-US')} steps/s (${on.steps} steps in ${on.ms.toFixed(0)} ms)`);
console.log(`lockdep off: ${Math.round(rate(off)).toLocaleString('en-US')} steps/s (${off.steps} steps in ${off.ms.toFixed(0)} ms)`);
console.log(`ratio on/off: ${(rate(on) / rate(off)).toFixed(2)}`);
