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
import { World } from '../impl/world/index.ts';
import { ANY_WRITEBACK } from '../impl/kernel/mm/folio.ts';
import * as ops from '../impl/world/ops.ts';
import type { CoverageRecorder } from '../model/coverage/coverageRecorder.ts';
import type { SlotEventRecord } from '../model/events.ts';
import { ProgramRunner } from './programs.ts';
import { checkQuiescent } from './oracles/quiescence.ts';
import { RefinementOracle } from './oracles/refinement.ts';
import { lockReleaseChecker } from './oracles/invariants.ts';
import type { RaceRecorder } from './races.ts';
import { DEFAULT_FAIR_STEPS, DEFAULT_PCT_K, DEFAULT_STEP_LIMIT, type Workload } from './workload.ts';

export interface ExecuteOptions {
  readonly faults: readonly FaultName[];
  readonly lockdep?: boolean;
  /** Run the oracles (default true); off only to measure what checking costs. */
  readonly oracles?: boolean;
  /** With the oracles: also check the invariants each cluster lock protects at its release (default true). */
  readonly invariants?: boolean;
  readonly coverage?: CoverageRecorder;
  /** Race coverage: which entry points overlapped on a cluster or slot, and lock contention. */
  readonly races?: RaceRecorder;
  /** Strict replay of recorded runnable ids instead of the workload's own schedule. */
  readonly replay?: readonly string[];
  /** Any other scheduler instead of the workload's own (e.g. to turn a recorded schedule into choices). */
  readonly scheduler?: Scheduler;
  readonly keepLog?: boolean;
  readonly stepLimit?: number;
  /** Steps of fair continuation before a step-limit run counts as a livelock (default DEFAULT_FAIR_STEPS). */
  readonly fairSteps?: number;
  /** Called with the machine before anything runs (explore records footprints through it). */
  readonly onMachine?: (m: Machine) => void;
  /** Called with every slot event the code under test emits (the reduction's agreement bench digests them). */
  readonly onSlotEvent?: (r: SlotEventRecord) => void;
  /** Called with the world once it is built (tests and debugging look inside through it). */
  readonly onWorld?: (world: World) => void;
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


/** The scheduler a run uses: the one given, the replay's, or the workload's own (its PCT seed or its choices). */
export function makeScheduler(w: Workload, opts: Pick<ExecuteOptions, 'scheduler' | 'replay'>): Scheduler {
  if (opts.scheduler) return opts.scheduler;
  if (opts.replay) return new ReplayScheduler([...opts.replay]);
  const s = w.schedule;
  return s.strategy === 'pct'
    ? new PctScheduler({ seed: s.seed, depth: s.depth, expectedSteps: s.k ?? DEFAULT_PCT_K })
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
    fairSteps: opts.fairSteps ?? DEFAULT_FAIR_STEPS,
    failslab: w.config.failslab ?? [],
    log: opts.keepLog ?? false,
  });
  opts.onMachine?.(m);
  let describe = (slot: number): string => `vswap slot ${slot}`;
  const refinement = checking ? new RefinementOracle(opts.coverage, (slot) => describe(slot)) : null;
  const races = opts.races;
  if (races) {
    races.startRun();
    m.setObserver(races);
  }
  const listener =
    refinement || races || opts.onSlotEvent
      ? (r: SlotEventRecord): void => {
          opts.onSlotEvent?.(r);
          // the slot's name only for whoever keeps it (explore's footprints, race coverage): slot events are frequent
          if (races || m.recordingFootprints) {
            const slot = r.space === 'virtual' ? `v${r.slot}` : `p${r.slot.dev}:${r.slot.offset}`;
            m.touchShared(slot);
            races?.slotTouched(m.currentActor(), slot);
          }
          if (!refinement) return;
          const res = refinement.check(r, m.tracing);
          if (res.violation !== undefined) m.fail('refinement', res.violation);
          if (m.tracing) m.trace(res.note!);
        }
      : undefined;
  const c = w.config;
  const world = new World(
    m,
    {
      design: c.design,
      swapCountMax: c.swapCountMax ?? 3,
      zswapDecompressFail: c.decompressFail ?? [],
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

  if (w.config.design !== 'v6') describe = (slot) => world.k.swap.describeSlot(slot);
  opts.onWorld?.(world);
  // the invariants each cluster lock protects, checked whenever one is released
  if (checking && (opts.invariants ?? true)) m.setReleaseCheck(lockReleaseChecker(world.k));
  const runner = new ProgramRunner(m, world, checking);

  // The drain is the last reclaim a quiet machine would eventually do (kswapd): swap-cache folios whose PTEs are
  // gone (unmapped while under writeback, or written back from zswap) keep their slot until reclaim drops them.
  // Only what survives it is a leak.
  function* drain(): Task {
    yield* runner.waitIdle('leak check: every workload task ended');
    for (let pass = 0; pass < 2; pass++) {
      yield* wait_event(m, 'leak check: writeback done', () => !world.k.folios.some((f) => !f.freed && f.writeback), ANY_WRITEBACK);
      yield* ops.op_reclaim(world, Number.MAX_SAFE_INTEGER);
    }
  }
  if (checking) m.spawn(0, 'drain', drain);
  w.processes.forEach((prog, i) => runner.spawnProcess(prog, world.createProcess(prog.memcg), `P${i}`));
  w.background.forEach((b, i) => runner.spawnBackground(b, `kthread${i}`));

  let result = m.run();
  if (result.ok && checking) {
    const leak = checkQuiescent(world);
    if (leak) result = { ok: false, steps: result.steps, failure: leak };
  }
  // strict replay: a run that ends before its recording does is not the recorded run either
  const short = opts.replay !== undefined && result.steps < opts.replay.length && (result.ok || result.failure.kind !== 'replay-mismatch');
  const failure = short
    ? {
        kind: 'replay-mismatch',
        message: `the run ended after ${result.steps} steps but the recording has ${opts.replay!.length}: the code or the workload differs from the recorded run`,
        text: '',
      }
    : result.ok
      ? null
      : { kind: result.failure.kind, message: result.failure.message, text: result.failure.text() };
  return {
    ok: failure === null,
    failure,
    steps: result.steps,
    preemptions: metrics.preemptions,
    schedule: m.schedule,
    log: opts.keepLog ? m.log : [],
  };
}
