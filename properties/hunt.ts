// The hunt: a randomized campaign over generated workloads and schedules, then shrinking of the first failure.
// Execution i draws its workload from (seed, i) alone (properties/batch.ts), so the search can run on a pool of
// worker threads or be split into shards and still find the same first failure. It runs in epochs of EPOCH_RUNS
// executions, each with one op-mix profile, which steering (--steer) picks by the race coverage each profile finds
// (properties/steer.ts; without it every epoch uses the default mix). It stops at the first failure; the shrink
// replays that execution from its {seed, path} and keeps only smaller workloads that fail with the SAME kind (no
// slipping to another bug on the way down).
import fc from 'fast-check';
import { FAULTS, faultSpec, type FaultName, type FaultRequirements } from '../impl/kernel/faults.ts';
import { DESIGN_NAMES, type DesignName } from '../impl/kernel/swap.ts';
import { Piscina } from 'piscina';
import { CoverageRecorder } from '../model/coverage/coverageRecorder.ts';
import { emptyCoverage, mergeCoverage, type CoverageRecord } from '../model/coverage/coverageRecord.ts';
import { RaceRecorder, raceKeys } from './races.ts';
import { DEFAULT_BOUNDS, type Strategy, workloadArb, type WorkloadBounds } from './arbitraries.ts';
import { ToChoicesScheduler } from '../impl/sim/index.ts';
import { executionArb, executionPoint, executionWorkload, runBatch, type BatchResult, type BatchTask } from './batch.ts';
import { execute, type Execution, type ExecuteOptions } from './execute.ts';
import { minimizeWorkload } from './minimize.ts';
import { EPOCH_RUNS, PROFILES, Steering } from './steer.ts';
import type { Workload } from './workload.ts';

export interface HuntOptions {
  readonly seed: number;
  /** Time budget of the search in seconds (default 60); the shrink has its own budget. */
  readonly seconds?: number;
  /** Stop after this many executions (default: only the time budget). */
  readonly runs?: number;
  readonly cpus?: number;
  readonly strategy: Strategy;
  readonly faults: readonly FaultName[];
  readonly lockdep?: boolean;
  readonly shrinkSeconds?: number;
  readonly bounds?: Partial<WorkloadBounds>;
  /** The designs to draw workloads for (default all); faults narrow it to the designs that have them. */
  readonly designs?: readonly DesignName[];
  /** Check the lock-release invariants (default true; off to measure what they add). */
  readonly invariants?: boolean;
  /**
   * Steer the op mix towards unseen race coverage (default false: in the bench, steered hunts reached no more
   * entry-point pairs than unsteered ones; see BENCHMARKS.md).
   */
  readonly steer?: boolean;
  /**
   * Stops the hunt early (Ctrl-C): the search ends, or the shrink keeps the smallest failing workload it has so far.
   * The hunt gives the event loop a turn every 50 ms so that the abort can arrive.
   */
  readonly signal?: AbortSignal;
  /** Worker threads running executions (default 1: inline, no pool). The first failure is the same for any number. */
  readonly workers?: number;
  /**
   * Run only the index-th (0-based) of `count` disjoint slices of the execution indices (a CI matrix job). With
   * steering, a shard picks its profiles from its own coverage, so its workloads differ from the unsharded hunt's.
   */
  readonly shard?: { readonly index: number; readonly count: number };
  /** A pool to run on (from createHuntPool), kept across hunts (bench, compare): it is not destroyed here. */
  readonly pool?: Piscina;
}

/** A pool of worker threads for hunts; its threads start once and load the port once. */
export function createHuntPool(workers: number): Piscina {
  return new Piscina({ filename: new URL('./pool-worker.mjs', import.meta.url).href, minThreads: workers, maxThreads: workers, idleTimeout: 60_000 });
}

/** Executions per design. */
export type DesignCounts = Record<DesignName, number>;

/** The designs a hunt runs: those asked for that have every fault switched on; empty when none does. */
export function huntDesigns(designs: readonly DesignName[], faults: readonly FaultName[]): DesignName[] {
  return designs.filter((d) => faults.every((f) => FAULTS[f].designs.includes(d)));
}

/**
 * The machine configuration every fault switched on needs, merged; null when two of them need opposite settings
 * (one zswap on and one off, say): no machine can show both, so such a hunt could never find the first.
 */
export function huntRequirements(faults: readonly FaultName[]): { requires: FaultRequirements } | { conflict: string } {
  const requires: Record<string, unknown> = {};
  for (const f of faults) {
    for (const [key, value] of Object.entries(faultSpec(f).requires ?? {})) {
      if (key in requires && requires[key] !== value) {
        const other = faults.find((g) => (faultSpec(g).requires as Record<string, unknown> | undefined)?.[key] === requires[key])!;
        return { conflict: `--fault ${other} needs ${key} ${String(requires[key])} and --fault ${f} needs ${key} ${String(value)}: no machine has both; hunt them apart` };
      }
      requires[key] = value;
    }
  }
  return { requires: requires as FaultRequirements };
}

export interface HuntProgress {
  readonly executions: number;
  readonly steps: number;
  readonly failures: number;
  readonly elapsedMs: number;
  readonly phase: 'search' | 'shrink';
  readonly perDesign: DesignCounts;
}

export interface HuntFailure {
  /** The failing execution's index (global, across shards): the same whatever the number of workers. */
  readonly index: number;
  readonly workload: Workload;
  readonly execution: Execution;
  /** The first failing workload's size before shrinking, for the report. */
  readonly original: Workload;
  readonly shrinkSteps: number;
  readonly path: string;
  /**
   * With faults on: how the shrunk workload ends with every fault off, same schedule. null: it passes, so the
   * failure is the faults' doing; a failure here is a bug of the design itself, which the faults only uncovered.
   * Undefined when no fault was on.
   */
  readonly withoutFaults?: { readonly kind: string; readonly message: string } | null;
}

export interface HuntResult {
  readonly executions: number;
  readonly steps: number;
  readonly elapsedMs: number;
  readonly coverage: CoverageRecord;
  readonly failure: HuntFailure | null;
  /** Search executions per design (the shrink's are not counted here). */
  readonly perDesign: DesignCounts;
  /** Per profile: the epochs steering gave it, their executions and the new race-coverage keys they found. */
  readonly steering: Steering['stats'];
  /** Set when opts.signal stopped the hunt: in the search, or in the shrink (the failure is then not fully shrunk). */
  readonly interrupted?: 'search' | 'shrink';
}

/** Lets the event loop run (signal handlers, progress) at most every 50 ms of the hunt's synchronous work. */
function breather(): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < 50) return undefined;
    last = now;
    return new Promise((resolve) => setImmediate(resolve));
  };
}

/** The workload with its PCT schedule replaced by the equivalent choices, if it still fails the same way. */
function scheduleAsChoices(w: Workload, recorded: readonly string[], exec: ExecuteOptions) {
  const conv = new ToChoicesScheduler(recorded);
  const kind = execute(w, { ...exec, scheduler: conv }).failure?.kind;
  const choices = conv.choices;
  const workload: Workload = { ...w, schedule: { strategy: 'random', choices } };
  if (kind === undefined || execute(workload, exec).failure?.kind !== kind) return null;
  return {
    workload,
    bounds: (b: WorkloadBounds): WorkloadBounds => ({
      ...b,
      strategy: 'random',
      maxChoices: Math.max(b.maxChoices, choices.length),
      maxChoice: Math.max(b.maxChoice, ...choices),
    }),
  };
}

export async function hunt(opts: HuntOptions, onProgress?: (p: HuntProgress) => void): Promise<HuntResult> {
  const start = performance.now();
  const stopped = (): boolean => opts.signal?.aborted === true;
  const breathe = breather();
  const designs = huntDesigns(opts.designs ?? opts.bounds?.designs ?? DESIGN_NAMES, opts.faults);
  if (designs.length === 0) throw new Error(`no design has every fault of ${opts.faults.join(', ')}`);
  const req = huntRequirements(opts.faults);
  if ('conflict' in req) throw new Error(req.conflict);
  const { requires } = req;
  const bounds: WorkloadBounds = {
    ...DEFAULT_BOUNDS,
    ...opts.bounds,
    designs,
    requires,
    strategy: opts.strategy,
    ...(opts.cpus !== undefined ? { cpus: opts.cpus, maxCpus: Math.max(opts.cpus, 1) } : {}),
  };
  const exec = { faults: opts.faults, lockdep: opts.lockdep ?? true, invariants: opts.invariants ?? true };
  let coverage: CoverageRecord = emptyCoverage();
  let executions = 0;
  let steps = 0;
  let failures = 0;
  let phase: HuntProgress['phase'] = 'search';
  const perDesign: DesignCounts = { v6: 0, ste: 0, mainline: 0 };
  const progress = (): void => onProgress?.({ executions, steps, failures, elapsedMs: performance.now() - start, phase, perDesign });
  const tick = (e: Execution): void => {
    executions++;
    steps += e.steps;
    if (!e.ok) failures++;
    progress();
  };

  // The search: this shard's slice of the execution indices (k-th position: shard.index + k * shard.count), in
  // batches, on a pool of worker threads or inline. Epochs of EPOCH_RUNS positions share one profile; with
  // steering, an epoch's profile is picked once every earlier epoch has reported (so the choice is deterministic).
  const shard = opts.shard ?? { index: 0, count: 1 };
  const workers = opts.pool ? opts.pool.options.maxThreads : Math.max(1, opts.workers ?? 1);
  const steering = new Steering(opts.steer ? PROFILES : PROFILES.slice(0, 1));
  const budgetMs = (opts.seconds ?? 60) * 1000;
  const positions = opts.runs === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.ceil((opts.runs - shard.index) / shard.count));
  const globalIndex = (k: number): number => shard.index + k * shard.count;
  const batchBounds: Omit<WorkloadBounds, 'mix'> = bounds;
  const pool = opts.pool ?? (workers > 1 ? createHuntPool(workers) : null);
  const batchSize = pool ? 16 : 4;
  const timeUp = (): boolean => performance.now() - start >= budgetMs;
  const epochProfile: number[] = [];
  // Inline, one pair of recorders takes every execution (the search stops at its first failure). On the pool each
  // batch brings its own record; they settle in execution order (a batch is merged once every earlier batch has
  // reported, and dropped if it starts after a settled failure), so at most the pool's depth of results is kept
  // and the outcome does not depend on which worker finished first.
  const shared = pool ? null : { coverage: new CoverageRecorder(), races: new RaceRecorder() };
  const pending = new Map<number, { size: number; result: BatchResult }>();
  let settledTo = 0; // slice position: every batch starting before it has settled
  let failing: BatchResult['failure'] = null;
  let failPosition = Number.POSITIVE_INFINITY; // slice position of the settled failure
  let seenFailure = false; // a failure reported, settled or not: stop dispatching
  const sums = { executions: 0, steps: 0 };
  const settle = (): void => {
    for (let p = pending.get(settledTo); p !== undefined; p = pending.get(settledTo)) {
      pending.delete(settledTo);
      if (failing === null) {
        sums.executions += p.result.ran;
        sums.steps += p.result.steps;
        for (const x of DESIGN_NAMES) perDesign[x] += p.result.perDesign[x];
        if (p.result.coverage) coverage = mergeCoverage(coverage, p.result.coverage);
        if (p.result.failure) {
          failing = p.result.failure;
          failPosition = settledTo + p.result.ran - 1;
        }
      }
      settledTo += p.size;
    }
  };
  const raceKeyCount = (): number => (shared ? shared.races.keys().size : raceKeys(coverage.races).size);

  const runOne = async (k: number, size: number, profile: number): Promise<void> => {
    const task: BatchTask = { seed: opts.seed, indices: Array.from({ length: size }, (_, j) => globalIndex(k + j)), profile, bounds: batchBounds, ...exec };
    const report = (result: BatchResult): void => {
      if (result.failure) seenFailure = true;
      pending.set(k, { size, result });
      settle();
    };
    if (pool) {
      const result = (await pool.run(task)) as BatchResult;
      executions += result.ran;
      steps += result.steps;
      if (result.failure) failures++;
      progress();
      report(result);
    } else {
      // reported before the event loop gets its turn: the dispatch loop must see a failure before it runs the next
      // batch into the shared recorders
      report(runBatch(task, tick, shared!));
      await breathe();
    }
  };

  let k = 0;
  const inflight = new Set<Promise<void>>();
  try {
    let keysAtEpochStart = 0;
    for (let epoch = 0; k < positions && !seenFailure && !stopped() && !timeUp(); epoch++) {
      const epochEnd = Math.min(positions, (epoch + 1) * EPOCH_RUNS);
      if (opts.steer) {
        // the bandit needs every earlier epoch's coverage
        await Promise.all(inflight);
        if (epoch > 0) steering.update(epochProfile[epoch - 1]!, raceKeyCount() - keysAtEpochStart, k - (epoch - 1) * EPOCH_RUNS);
        keysAtEpochStart = raceKeyCount();
        if (seenFailure) break;
      }
      const profile = opts.steer ? steering.pick() : 0;
      epochProfile[epoch] = profile;
      while (k < epochEnd && !seenFailure && !stopped() && !timeUp()) {
        const size = Math.min(batchSize, epochEnd - k);
        // the set holds the promise that leaves it, so a failed batch rejects only what the hunt awaits
        const p: Promise<void> = runOne(k, size, profile).finally(() => inflight.delete(p));
        inflight.add(p);
        k += size;
        if (inflight.size >= workers * 2) await Promise.race(inflight);
      }
    }
    await Promise.all(inflight);
    // the last epoch's reward, for the report
    const last = epochProfile.length - 1;
    if (opts.steer && last >= 0) steering.update(epochProfile[last]!, raceKeyCount() - keysAtEpochStart, Math.min(k, positions) - last * EPOCH_RUNS);
  } finally {
    // after a failed batch, the others still in flight end unobserved: their outcome no longer matters
    for (const p of inflight) p.catch(() => undefined);
    if (pool && pool !== opts.pool) await pool.destroy();
  }
  if (pending.size > 0) throw new Error(`hunt: ${pending.size} batches never settled`);

  // What the search reports: every execution up to the earliest failure (later ones ran only because of the pool).
  executions = sums.executions;
  steps = sums.steps;
  if (shared) coverage = { ...shared.coverage.toRecord(), races: shared.races.toRecord() };
  failures = failing === null ? 0 : 1;
  const searchCoverage = coverage;
  const finish = (failure: HuntFailure | null, interrupted: HuntResult['interrupted'] = stopped() ? (failure ? 'shrink' : 'search') : undefined): HuntResult => ({
    executions,
    steps,
    elapsedMs: performance.now() - start,
    coverage: searchCoverage,
    failure,
    perDesign,
    steering: steering.stats,
    ...(interrupted ? { interrupted } : {}),
  });
  const found = failing as BatchResult['failure'];
  if (found === null) return finish(null);
  const firstFail = failPosition;
  const foundProfile = epochProfile[Math.floor(firstFail / EPOCH_RUNS)]!;
  const arb = executionArb(batchBounds, foundProfile);
  const { seed: foundSeed, path: foundPath } = executionPoint(opts.seed, found.index);
  const original = executionWorkload(arb, opts.seed, found.index);
  const first = execute(original, exec);
  const kind = first.failure?.kind;
  if (kind !== found.kind) throw new Error(`execution ${found.index} regenerated from its seed ran differently (${kind ?? 'clean'}, not ${found.kind})`);
  phase = 'shrink';
  // stopped: every candidate counts as not failing, so the shrink ends with the smallest failing workload so far
  const sameFailure = async (w: Workload): Promise<boolean> => {
    await breathe();
    if (stopped()) return true;
    const e = execute(w, exec);
    tick(e);
    return e.ok || e.failure?.kind !== kind;
  };
  const shrinkParams = { interruptAfterTimeLimit: (opts.shrinkSeconds ?? 60) * 1000, markInterruptAsFailure: false };
  // A PCT schedule does not shrink (a smaller workload changes every later decision): replay it once as choices
  // and shrink that as plain data, from the value itself (fast-check's shrinking without context).
  const asChoices = original.schedule.strategy === 'pct' ? scheduleAsChoices(original, first.schedule, exec) : null;
  const shrink = asChoices
    ? await fc.check(fc.asyncProperty(workloadArb(asChoices.bounds(bounds)), sameFailure), {
        ...shrinkParams,
        examples: [[asChoices.workload]],
        numRuns: 1,
      })
    : await fc.check(fc.asyncProperty(arb, sameFailure), {
        ...shrinkParams,
        seed: foundSeed,
        path: foundPath ?? undefined,
        numRuns: 1,
      });
  const shrunk = shrink.failed && shrink.counterexample ? shrink.counterexample[0] : original;
  const { workload, tries } = await minimizeWorkload(shrunk, async (w) => !(await sameFailure(w)));
  const execution = execute(workload, { ...exec, keepLog: true });
  const off = opts.faults.length > 0 ? execute(workload, { ...exec, faults: [] }).failure : undefined;
  return finish({
    index: found.index,
    workload,
    execution,
    original,
    shrinkSteps: shrink.numShrinks + tries,
    path: (shrink.failed ? shrink.counterexamplePath : foundPath) ?? '',
    ...(off !== undefined ? { withoutFaults: off && { kind: off.kind, message: off.message } } : {}),
  });
}
