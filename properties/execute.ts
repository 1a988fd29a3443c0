// One execution: build the machine and the kernel from a workload, spawn each process and kernel thread on its CPU,
// let the scheduler interleave them, and check every emitted slot event (refinement), every read (data), and the
// whole machine at quiescence (no leaks, invariants). Any violation ends the run as a failure of the simulator.
import type { FaultName } from '../impl/kernel/faults.ts';
import {
  ChoicesScheduler,
  Machine,
  MetricsScheduler,
  PctScheduler,
  ReplayScheduler,
  type LogEntry,
  type Scheduler,
  type Task,
  wait_event,
} from '../impl/sim/index.ts';
import { World, type Process } from '../impl/world/index.ts';
import * as ops from '../impl/world/ops.ts';
import type { CoverageRecorder } from '../model/coverage/coverageRecorder.ts';
import type { SlotEventRecord } from '../model/events.ts';
import { ShadowMemory } from './oracles/data.ts';
import { checkQuiescent } from './oracles/quiescence.ts';
import { RefinementOracle } from './oracles/refinement.ts';
import { PAGES_PER_PROCESS, childName, type BackgroundOp, type ProcessProgram, type Workload } from './workload.ts';

export interface ExecuteOptions {
  readonly faults: readonly FaultName[];
  readonly lockdep?: boolean;
  /** Run the oracles (default true); off only to measure what checking costs. */
  readonly oracles?: boolean;
  readonly coverage?: CoverageRecorder;
  /** Strict replay of recorded runnable ids instead of the workload's own schedule. */
  readonly replay?: readonly string[];
  /** Any other scheduler instead of the workload's own (e.g. to turn a recorded schedule into choices). */
  readonly scheduler?: Scheduler;
  readonly keepLog?: boolean;
  readonly stepLimit?: number;
}

export interface ExecutionFailure {
  readonly kind: string;
  readonly message: string;
  /** The simulator's report, reading like a kernel splat. */
  readonly text: string;
}

export interface Execution {
  readonly ok: boolean;
  readonly failure: ExecutionFailure | null;
  readonly steps: number;
  readonly preemptions: number;
  readonly schedule: readonly string[];
  readonly log: readonly LogEntry[];
}

export const DEFAULT_STEP_LIMIT = 50_000;

function makeScheduler(w: Workload, opts: ExecuteOptions): Scheduler {
  if (opts.scheduler) return opts.scheduler;
  if (opts.replay) return new ReplayScheduler([...opts.replay]);
  const s = w.schedule;
  return s.strategy === 'pct'
    ? new PctScheduler({ seed: s.seed, depth: s.depth, expectedSteps: 2000 })
    : new ChoicesScheduler([...s.choices]);
}

export function execute(w: Workload, opts: ExecuteOptions): Execution {
  const checking = opts.oracles ?? true;
  const metrics = new MetricsScheduler(makeScheduler(w, opts));
  const m = new Machine({
    cpus: w.config.cpus,
    scheduler: metrics,
    lockdep: opts.lockdep ?? true,
    stepLimit: opts.stepLimit ?? DEFAULT_STEP_LIMIT,
  });
  const refinement = checking ? new RefinementOracle(opts.coverage) : null;
  const listener = refinement
    ? (r: SlotEventRecord): void => {
        const res = refinement.check(r);
        if (res.violation !== undefined) m.fail('refinement', res.violation);
        m.trace(res.note!);
      }
    : undefined;
  const c = w.config;
  const world = new World(
    m,
    {
      clusterSize: c.clusterSize,
      devices: c.devices.map((d) => ({ slots: d.slots, clusterSize: c.physClusterSize, bad: d.bad })),
      zswapCapacity: c.zswapCapacity,
      memcgMode: c.memcgMode,
      memcgs: c.memcgs,
      orders: c.orders,
      faults: opts.faults,
    },
    listener,
  );

  // Workload tasks still to finish; the leak check's drain waits for them.
  let live = 0;
  const spawn = (want: number, name: string, body: () => Task): void => {
    live++;
    // a process forked onto a CPU that went down runs on the next online one, as the scheduler would migrate it
    let cpu = want;
    while (!m.isOnline(cpu)) cpu = (cpu + 1) % w.config.cpus;
    m.spawn(cpu, name, function* () {
      yield* body();
      live--;
    });
  };
  const spawnProcess = (prog: ProcessProgram, proc: Process, shadow: ShadowMemory, name: string): void => {
    spawn(prog.cpu, name, () => runProcess(prog, proc, shadow, name));
  };
  function* runProcess(prog: ProcessProgram, proc: Process, shadow: ShadowMemory, name: string): Task {
    let children = 0;
    for (const op of prog.ops) {
      switch (op.op) {
        case 'write':
          yield* ops.op_write(world, proc, op.page, op.value);
          shadow.write(op.page, op.value);
          break;
        case 'fill':
          for (let page = op.start; page < Math.min(op.start + op.nr, PAGES_PER_PROCESS); page++) {
            yield* ops.op_write(world, proc, page, op.value);
            shadow.write(page, op.value);
          }
          break;
        case 'read': {
          const got = yield* ops.op_read(world, proc, op.page);
          const wrong = checking ? shadow.check(name, op.page, got) : null;
          if (wrong) m.fail('data', wrong);
          break;
        }
        case 'mapLarge': {
          const mapped = yield* ops.op_map_large(world, proc, op.start, op.order);
          if (mapped) shadow.zero(mapped.start, mapped.nr);
          break;
        }
        case 'pageout':
          yield* ops.op_pageout(world, proc, op.start, op.nr);
          break;
        case 'munmap':
          yield* ops.op_munmap(world, proc, op.start, op.nr);
          shadow.zero(op.start, op.nr);
          break;
        case 'fork': {
          const child = yield* ops.op_fork(world, proc);
          spawnProcess(op.child, child, new ShadowMemory(shadow), childName(name, ++children));
          break;
        }
      }
    }
    yield* ops.op_exit(world, proc);
  }
  function* runBackground(list: readonly BackgroundOp[]): Task {
    for (const op of list) {
      switch (op.op) {
        case 'reclaim':
          yield* ops.op_reclaim(world, op.nr);
          break;
        case 'zswapWriteback':
          yield* ops.op_zswap_writeback(world, op.nr);
          break;
        case 'swapoff':
          yield* ops.op_swapoff(world, op.dev);
          break;
        case 'swapon':
          yield* ops.op_swapon(world, op.dev);
          break;
        case 'cpuOffline':
          yield* ops.op_cpu_offline(world, op.cpu);
          break;
      }
    }
  }

  // The drain is the last reclaim a quiet machine would eventually do (kswapd): swap-cache folios whose PTEs are
  // gone (unmapped while under writeback, or written back from zswap) keep their slot until reclaim drops them.
  // Only what survives it is a leak.
  function* drain(): Task {
    yield* wait_event(m, 'leak check: every workload task ended', () => live === 0);
    for (let pass = 0; pass < 2; pass++) {
      yield* wait_event(m, 'leak check: writeback done', () => !world.k.folios.some((f) => !f.freed && f.writeback));
      yield* ops.op_reclaim(world, Number.MAX_SAFE_INTEGER);
    }
  }
  if (checking) m.spawn(0, 'drain', drain);
  w.processes.forEach((prog, i) => spawnProcess(prog, world.createProcess(prog.memcg), new ShadowMemory(), `P${i}`));
  w.background.forEach((b, i) => spawn(b.cpu, `kthread${i}`, () => runBackground(b.ops)));

  let result = m.run();
  if (result.ok && checking) {
    const leak = checkQuiescent(world);
    if (leak) result = { ok: false, steps: result.steps, failure: leak };
  }
  const failure = result.ok
    ? null
    : { kind: result.failure.kind, message: result.failure.message, text: result.failure.text() };
  return {
    ok: result.ok,
    failure,
    steps: result.steps,
    preemptions: metrics.preemptions,
    schedule: m.schedule,
    log: opts.keepLog ? m.log : [],
  };
}
