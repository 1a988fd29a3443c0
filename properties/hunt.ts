// The hunt: a randomized campaign over generated workloads and schedules, then shrinking of the first failure.
// The search runs in epochs of fast-check runs, each with one op-mix profile, which steering (--steer) picks by the
// race coverage each profile finds (properties/steer.ts; without it every epoch uses the default mix). It stops at
// the first failure (endOnFailure); the shrink replays it from its epoch's {seed, path} and keeps only smaller
// workloads that fail with the SAME kind (no slipping to another bug on the way down).
import fc from 'fast-check';
import { FAULTS, faultSpec, type FaultName } from '../impl/kernel/faults.ts';
import { DESIGN_NAMES, type DesignName } from '../impl/kernel/swap.ts';
import { CoverageRecorder } from '../model/coverage/coverageRecorder.ts';
import type { CoverageRecord } from '../model/coverage/coverageRecord.ts';
import { DEFAULT_BOUNDS, type Strategy, workloadArb, type WorkloadBounds } from './arbitraries.ts';
import { ToChoicesScheduler } from '../impl/sim/index.ts';
import { execute, type Execution, type ExecuteOptions } from './execute.ts';
import { minimizeWorkload } from './minimize.ts';
import { RaceRecorder } from './races.ts';
import { EPOCH_RUNS, PROFILES, Steering, epochSeed } from './steer.ts';
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
}

/** Executions per design. */
export type DesignCounts = Record<DesignName, number>;

/** The designs a hunt runs: those asked for that have every fault switched on; empty when none does. */
export function huntDesigns(designs: readonly DesignName[], faults: readonly FaultName[]): DesignName[] {
  return designs.filter((d) => faults.every((f) => FAULTS[f].designs.includes(d)));
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
  const bounds: WorkloadBounds = {
    ...DEFAULT_BOUNDS,
    ...opts.bounds,
    designs,
    requires: Object.assign({}, ...opts.faults.map((f) => faultSpec(f).requires ?? {})),
    strategy: opts.strategy,
    ...(opts.cpus !== undefined ? { cpus: opts.cpus, maxCpus: Math.max(opts.cpus, 1) } : {}),
  };
  const recorder = new CoverageRecorder();
  const races = new RaceRecorder();
  const exec = { faults: opts.faults, lockdep: opts.lockdep ?? true, invariants: opts.invariants ?? true };
  let executions = 0;
  let steps = 0;
  let failures = 0;
  let phase: HuntProgress['phase'] = 'search';
  const perDesign: DesignCounts = { v6: 0, ste: 0, mainline: 0 };
  const tick = (e: Execution, design: DesignName): void => {
    executions++;
    steps += e.steps;
    if (phase === 'search') perDesign[design]++;
    if (!e.ok) failures++;
    onProgress?.({ executions, steps, failures, elapsedMs: performance.now() - start, phase, perDesign });
  };

  const steering = new Steering(opts.steer ? PROFILES : PROFILES.slice(0, 1));
  const budgetMs = (opts.seconds ?? 60) * 1000;
  const maxRuns = opts.runs ?? Number.POSITIVE_INFINITY;
  let found: { arb: fc.Arbitrary<Workload>; seed: number; path: string | null; workload: Workload } | null = null;
  for (let epoch = 0; found === null && executions < maxRuns; epoch++) {
    const left = budgetMs - (performance.now() - start);
    if (left <= 0) break;
    const profile = steering.pick();
    const arb = workloadArb({ ...bounds, mix: steering.profiles[profile]!.mix });
    const seed = epochSeed(opts.seed, epoch);
    const keysBefore = races.keys().size;
    const runsBefore = executions;
    const search = await fc.check(
      fc.asyncProperty(arb, async (w) => {
        await breathe();
        if (stopped()) return true; // the rest of the epoch is skipped
        const e = execute(w, { ...exec, coverage: recorder, races });
        tick(e, w.config.design);
        return e.ok;
      }),
      { seed, numRuns: Math.min(EPOCH_RUNS, maxRuns - executions), interruptAfterTimeLimit: left, markInterruptAsFailure: false, endOnFailure: true },
    );
    steering.update(profile, races.keys().size - keysBefore, executions - runsBefore);
    if (search.failed && search.counterexample !== null) {
      found = { arb, seed, path: search.counterexamplePath, workload: search.counterexample[0] };
    } else if (search.interrupted || stopped()) {
      break;
    }
  }
  const done = (failure: HuntFailure | null, interrupted: HuntResult['interrupted'] = stopped() ? (failure ? 'shrink' : 'search') : undefined): HuntResult => ({
    executions,
    steps,
    elapsedMs: performance.now() - start,
    coverage: { ...recorder.toRecord(), races: races.toRecord() },
    failure,
    perDesign,
    steering: steering.stats,
    ...(interrupted ? { interrupted } : {}),
  });
  if (found === null) return done(null);
  const { arb, seed: foundSeed, path: foundPath } = found;

  const original = found.workload;
  const first = execute(original, exec);
  const kind = first.failure?.kind;
  phase = 'shrink';
  // stopped: every candidate counts as not failing, so the shrink ends with the smallest failing workload so far
  const sameFailure = async (w: Workload): Promise<boolean> => {
    await breathe();
    if (stopped()) return true;
    const e = execute(w, exec);
    tick(e, w.config.design);
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
  return done({
    workload,
    execution,
    original,
    shrinkSteps: shrink.numShrinks + tries,
    path: (shrink.failed ? shrink.counterexamplePath : foundPath) ?? '',
    ...(off !== undefined ? { withoutFaults: off && { kind: off.kind, message: off.message } } : {}),
  });
}
