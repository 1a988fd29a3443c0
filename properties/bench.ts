// The benchmark of bug-finding power and speed: per fault and strategy, time and executions to detection over
// several seeds (median and worst), the shrunk trace's size, optionally against the baseline configuration (single-
// threaded processes, no lock-release invariants); the race coverage hunts reach with and without
// steering; and the cost of checking (all oracles against none, and what the lock-release invariants add).
import fc from 'fast-check';
import { FAULTS, FAULT_NAMES, expectedKinds, type FaultName } from '../impl/kernel/faults.ts';
import { DESIGN_NAMES, type DesignName } from '../impl/kernel/swap.ts';
import { DEFAULT_BOUNDS, type Strategy, workloadArb } from './arbitraries.ts';
import { execute } from './execute.ts';
import type { Piscina } from 'piscina';
import { createHuntPool, hunt, huntDesigns } from './hunt.ts';
import { workloadSize } from './workload.ts';
import { summarizeRaces } from '../model/coverage/raceReport.ts';
import { ENTRY_POINTS } from '../impl/world/ops.ts';

export interface DetectionSample {
  readonly seed: number;
  readonly detected: boolean;
  readonly kind: string | null;
  readonly seconds: number;
  readonly executions: number;
  readonly shrunk: { readonly ops: number; readonly cpus: number; readonly preemptions: number } | null;
}

export interface DetectionRow {
  readonly fault: FaultName;
  readonly strategy: Strategy;
  readonly expected: string;
  readonly detected: number;
  readonly samples: readonly DetectionSample[];
  readonly medianSeconds: number | null;
  readonly worstSeconds: number | null;
  readonly medianExecutions: number | null;
  readonly worstExecutions: number | null;
  readonly medianShrunkOps: number | null;
  readonly maxShrunkOps: number | null;
}

export interface ThroughputRow {
  readonly design: DesignName;
  readonly executions: number;
  readonly checkedSeconds: number;
  readonly bareSeconds: number;
  readonly steps: number;
  readonly checkedExecPerSec: number;
  readonly bareExecPerSec: number;
  readonly checkedStepsPerSec: number;
  readonly bareStepsPerSec: number;
  /** Checked time over bare time for the same workloads, measured in the same run. */
  readonly checkingCost: number;
  /** Checked time over checked-without-the-lock-release-invariants time, same workloads, same run. */
  readonly invariantsCost: number;
}

/** The hunt configuration of a detection measurement: the full suite, or the baseline before threads etc. */
export type BenchConfig = 'full' | 'baseline';

export interface RaceRow {
  readonly seed: number;
  readonly steer: boolean;
  readonly executions: number;
  readonly cluster: number;
  readonly slot: number;
  readonly pairs: number;
  readonly contention: number;
}

export interface BenchOptions {
  readonly seeds: readonly number[];
  readonly budgetSeconds: number;
  readonly strategies: readonly (Strategy)[];
  readonly faults: readonly FaultName[];
  readonly throughputRuns: number;
  readonly shrinkSeconds: number;
  /** Designs to hunt faults in and to measure throughput of (default all). */
  readonly designs?: readonly DesignName[];
  /** Also measure detection in the baseline configuration (single-threaded, no lock-release invariants). */
  readonly baseline?: boolean;
  /** Seconds of each race-coverage hunt (with and without steering, per seed); 0 skips them. */
  readonly raceSeconds?: number;
  readonly onRow?: (row: DetectionRow, config: BenchConfig) => void;
  /** Worker threads for the hunts (default 1); the throughput rows are always one thread's. */
  readonly workers?: number;
  /** The pool the hunts run on (runBench makes one when workers > 1). */
  readonly pool?: Piscina;
  /** Runs of each hunt in the worker-scaling table (0 skips it). */
  readonly scalingRuns?: number;
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const max = (xs: number[]): number | null => (xs.length ? Math.max(...xs) : null);

export async function detectionRow(fault: FaultName, strategy: Strategy, opts: BenchOptions, config: BenchConfig = 'full'): Promise<DetectionRow> {
  const kinds = expectedKinds(FAULTS[fault]);
  const expected = kinds.join(' or ');
  const samples: DetectionSample[] = [];
  for (const seed of opts.seeds) {
    const t0 = performance.now();
    let foundMs = -1;
    const designs = opts.designs ?? DESIGN_NAMES;
    const base = config === 'baseline' ? { invariants: false, bounds: { maxThreads: 0 } } : {};
    const r = await hunt({ seed, seconds: opts.budgetSeconds, strategy, faults: [fault], designs, shrinkSeconds: opts.shrinkSeconds, ...(opts.pool ? { pool: opts.pool } : {}), ...base }, (p) => {
      if (foundMs < 0 && p.failures > 0) foundMs = performance.now() - t0;
    });
    const f = r.failure;
    // executions to detection: the failing execution's index, the same whatever the number of workers
    const foundAt = f ? f.index + 1 : 0;
    const kind = f?.execution.failure?.kind ?? null;
    samples.push({
      seed,
      // detected: failed as the fault should, and the same workload and schedule pass with the fault off
      detected: kind !== null && kinds.includes(kind) && f?.withoutFaults === null,
      kind,
      seconds: f ? foundMs / 1000 : r.elapsedMs / 1000,
      executions: f ? foundAt : r.executions,
      shrunk: f ? { ops: workloadSize(f.workload).ops, cpus: f.workload.config.cpus, preemptions: f.execution.preemptions } : null,
    });
  }
  const hits = samples.filter((s) => s.detected);
  return {
    fault,
    strategy,
    expected,
    detected: hits.length,
    samples,
    medianSeconds: median(hits.map((s) => s.seconds)),
    worstSeconds: max(hits.map((s) => s.seconds)),
    medianExecutions: median(hits.map((s) => s.executions)),
    worstExecutions: max(hits.map((s) => s.executions)),
    medianShrunkOps: median(hits.map((s) => s.shrunk!.ops)),
    maxShrunkOps: max(hits.map((s) => s.shrunk!.ops)),
  };
}

/**
 * The same generated workloads of one design run with every oracle on and with none, interleaved so machine noise
 * hits both.
 */
export function throughput(runs: number, seed: number, design: DesignName = 'v6'): ThroughputRow {
  const workloads = fc.sample(workloadArb({ ...DEFAULT_BOUNDS, designs: [design] }), { seed, numRuns: runs });
  let checked = 0;
  let bare = 0;
  let noInvariants = 0;
  let steps = 0;
  for (const w of workloads) {
    const a = performance.now();
    const e = execute(w, { faults: [], oracles: true });
    const b = performance.now();
    execute(w, { faults: [], oracles: false });
    const c = performance.now();
    execute(w, { faults: [], oracles: true, invariants: false });
    const d = performance.now();
    checked += b - a;
    bare += c - b;
    noInvariants += d - c;
    steps += e.steps;
  }
  return {
    design,
    executions: runs,
    checkedSeconds: checked / 1000,
    bareSeconds: bare / 1000,
    steps,
    checkedExecPerSec: (runs * 1000) / checked,
    bareExecPerSec: (runs * 1000) / bare,
    checkedStepsPerSec: (steps * 1000) / checked,
    bareStepsPerSec: (steps * 1000) / bare,
    checkingCost: checked / bare,
    invariantsCost: checked / noInvariants,
  };
}

/** Race coverage reached by a hunt on the correct code, with and without steering. */
export async function raceRow(seed: number, seconds: number, steer: boolean, designs: readonly DesignName[], pool?: Piscina): Promise<RaceRow> {
  const r = await hunt({ seed, seconds, strategy: 'mixed', faults: [], designs, steer, shrinkSeconds: 1, ...(pool ? { pool } : {}) });
  const s = summarizeRaces(r.coverage.races, ENTRY_POINTS);
  return { seed, steer, executions: r.executions, cluster: s.cluster, slot: s.slot, pairs: s.pairs, contention: s.contention };
}

export interface BenchResult {
  readonly detection: DetectionRow[];
  /** The same measurements in the baseline configuration (when asked for). */
  readonly baseline: DetectionRow[];
  readonly races: RaceRow[];
  readonly throughput: ThroughputRow[];
  readonly peakRssMiB: number;
  /** Executions/s of the same clean hunt on 1..cores workers. */
  readonly scaling: ScalingRow[];
  /** A bare generator step (the simulator's task switch, nothing else) per second: the ceiling of steps/s. */
  readonly generatorStepsPerSec: number;
}

export interface ScalingRow {
  readonly workers: number;
  readonly executions: number;
  readonly seconds: number;
  readonly execPerSec: number;
  readonly stepsPerSec: number;
  /** Executions/s over one worker's. */
  readonly speedup: number;
  /**
   * CPU time of the whole process (every thread: workers, the main thread, V8's compiler and collector threads) over
   * the wall time: how many cores the hunt kept busy. One worker keeps more than one busy (its collector's helper
   * threads run on the idle cores), which bounds the speedup more can reach.
   */
  readonly cores: number;
}

/** The same clean hunt (seed, runs) on each number of workers, each pool warmed up first (threads load and compile the port). */
export async function scaling(runs: number, seed: number, upTo: number): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  for (let w = 1; w <= upTo; w++) {
    const pool = w > 1 ? createHuntPool(w) : undefined;
    try {
      // a warm-up of a quarter of the runs: V8 keeps compiling this code base for thousands of executions, and its
      // compiler and collector threads share the cores with the workers
      await hunt({ seed: seed + 1, runs: Math.ceil(runs / 4), seconds: 600, strategy: 'mixed', faults: [], ...(pool ? { pool } : {}) });
      const cpu0 = process.cpuUsage();
      const r = await hunt({ seed, runs, seconds: 3600, strategy: 'mixed', faults: [], ...(pool ? { pool } : {}) });
      const cpu = process.cpuUsage(cpu0);
      const seconds = r.elapsedMs / 1000;
      const execPerSec = r.executions / seconds;
      const cores = (cpu.user + cpu.system) / 1e6 / seconds;
      rows.push({ workers: w, executions: r.executions, seconds, execPerSec, stepsPerSec: r.steps / seconds, speedup: execPerSec / (rows[0]?.execPerSec ?? execPerSec), cores });
    } finally {
      await pool?.destroy();
    }
  }
  return rows;
}

/** The ceiling: steps/s of a bare generator resumed in a loop, as the simulator resumes a task at each step. */
export function generatorStepsPerSec(steps = 20_000_000): number {
  function* task(): Generator<number, void, void> {
    for (let i = 0; ; i++) yield i;
  }
  const g = task();
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) sink += g.next().value as number;
  const ms = performance.now() - t0;
  if (sink < 0) throw new Error('unreachable');
  return (steps * 1000) / ms;
}

export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const detection: DetectionRow[] = [];
  const baseline: DetectionRow[] = [];
  const designs = opts.designs ?? DESIGN_NAMES;
  const owned = !opts.pool && (opts.workers ?? 1) > 1 ? createHuntPool(opts.workers!) : undefined;
  const pool = opts.pool ?? owned;
  opts = { ...opts, ...(pool ? { pool } : {}) };
  try {
    for (const fault of (opts.faults.length ? opts.faults : FAULT_NAMES).filter((f) => huntDesigns(designs, [f]).length > 0)) {
      for (const strategy of opts.strategies) {
        const row = await detectionRow(fault, strategy, opts);
        detection.push(row);
        opts.onRow?.(row, 'full');
        if (opts.baseline) {
          const b = await detectionRow(fault, strategy, opts, 'baseline');
          baseline.push(b);
          opts.onRow?.(b, 'baseline');
        }
      }
    }
    const races: RaceRow[] = [];
    if (opts.raceSeconds) {
      for (const seed of opts.seeds) for (const steer of [true, false]) races.push(await raceRow(seed, opts.raceSeconds, steer, designs, pool));
    }
    // a warm-up on other workloads first (a quarter as many, at least 50, every design): V8 compiles the port for
    // thousands of executions, so a cold measurement of a few hundred reports the compiler, not a long hunt's rate
    const warm = Math.max(50, Math.ceil(opts.throughputRuns / 4));
    for (const d of designs) throughput(warm, (opts.seeds[0] ?? 1) + 1, d);
    const tp = designs.map((d) => throughput(opts.throughputRuns, opts.seeds[0] ?? 1, d));
    const ceiling = generatorStepsPerSec();
    const scale = opts.scalingRuns ? await scaling(opts.scalingRuns, opts.seeds[0] ?? 1, Math.max(1, opts.workers ?? 1)) : [];
    return { detection, baseline, races, throughput: tp, peakRssMiB: process.resourceUsage().maxRSS / 1024, scaling: scale, generatorStepsPerSec: ceiling };
  } finally {
    await owned?.destroy();
  }
}
