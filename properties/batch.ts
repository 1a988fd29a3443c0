// Executions by index: execution i of a hunt draws its workload from (seed, i) alone, so any worker thread can run
// any execution and a hunt's first failure is the same whatever the number of workers or shards. Execution i is run
// r = i mod EPOCH_RUNS of fast-check's run sequence for its epoch's seed, reached directly by replaying path "r"
// (fast-check generates run r alone, with run r's size bias): the workloads are exactly those of a sequential
// fc.check of EPOCH_RUNS runs per epoch, and the shrink restarts from the same {seed, path}.
// A batch is a run of consecutive executions; it stops at its first failure (later ones cannot matter).
import fc from 'fast-check';
import type { FaultName } from '../impl/kernel/faults.ts';
import type { DesignName } from '../impl/kernel/swap.ts';
import { CoverageRecorder } from '../model/coverage/coverageRecorder.ts';
import type { CoverageRecord } from '../model/coverage/coverageRecord.ts';
import { workloadArb, type WorkloadBounds } from './arbitraries.ts';
import { execute, type Execution } from './execute.ts';
import { RaceRecorder } from './races.ts';
import { EPOCH_RUNS, PROFILES } from './steer.ts';
import type { Workload } from './workload.ts';

/** What a batch needs, as plain data (it crosses to worker threads). */
export interface BatchTask {
  /** The hunt's seed. */
  readonly seed: number;
  /** Global execution indices, ascending. */
  readonly indices: readonly number[];
  /** The op-mix profile (index into PROFILES) the batch's workloads are drawn with. */
  readonly profile: number;
  /** Workload bounds without the mix (the profile gives it). */
  readonly bounds: Omit<WorkloadBounds, 'mix'>;
  readonly faults: readonly FaultName[];
  readonly lockdep: boolean;
  readonly invariants: boolean;
}

export interface BatchResult {
  /** Executions run: all of the batch, or up to and including its first failure. */
  readonly ran: number;
  readonly steps: number;
  readonly perDesign: Record<DesignName, number>;
  /** The first failing execution's global index and failure kind. */
  readonly failure: { readonly index: number; readonly kind: string } | null;
  /** Chart and race coverage of the executions run (null when the caller's recorders took them). */
  readonly coverage: CoverageRecord | null;
}

/** Each epoch's fast-check seed, derived from the hunt's. */
export function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(epoch + 1, 0x9e3779b1) ^ seed) >>> 0;
}

/** Where fast-check generates execution i: its epoch's seed and its run within the epoch. */
export function executionPoint(seed: number, index: number): { seed: number; path: string } {
  return { seed: epochSeed(seed, Math.floor(index / EPOCH_RUNS)), path: String(index % EPOCH_RUNS) };
}

/** Execution i's workload, generated again (the shrink starts from it). */
export function executionWorkload(arb: fc.Arbitrary<Workload>, seed: number, index: number): Workload {
  let w: Workload | null = null;
  fc.check(
    fc.property(arb, (x) => {
      w = x;
      return true;
    }),
    { ...executionPoint(seed, index), numRuns: 1 },
  );
  if (w === null) throw new Error(`execution ${index} could not be generated`);
  return w;
}

const arbs = new Map<string, fc.Arbitrary<Workload>>();

/** The workload arbitrary of a profile under the given bounds (cached: a worker builds each once). */
export function executionArb(bounds: Omit<WorkloadBounds, 'mix'>, profile: number): fc.Arbitrary<Workload> {
  const key = `${profile}:${JSON.stringify(bounds)}`;
  let arb = arbs.get(key);
  if (!arb) {
    arb = workloadArb({ ...bounds, mix: PROFILES[profile]!.mix });
    arbs.set(key, arb);
  }
  return arb;
}

/**
 * Runs the batch's executions in order, stopping after the first failure; `onExecution` sees each one. Coverage
 * goes to the given recorders (a long inline hunt keeps one pair), or to the batch's own, returned as a record.
 */
export function runBatch(
  task: BatchTask,
  onExecution?: (e: Execution, design: DesignName) => void,
  recorders?: { readonly coverage: CoverageRecorder; readonly races: RaceRecorder },
): BatchResult {
  const arb = executionArb(task.bounds, task.profile);
  const coverage = recorders?.coverage ?? new CoverageRecorder();
  const races = recorders?.races ?? new RaceRecorder();
  const perDesign: Record<DesignName, number> = { v6: 0, ste: 0, mainline: 0 };
  let steps = 0;
  let ran = 0;
  let failure: BatchResult['failure'] = null;
  for (const index of task.indices) {
    const w = executionWorkload(arb, task.seed, index);
    const e = execute(w, { faults: task.faults, lockdep: task.lockdep, invariants: task.invariants, coverage, races });
    perDesign[w.config.design]++;
    onExecution?.(e, w.config.design);
    ran++;
    steps += e.steps;
    if (!e.ok) {
      failure = { index, kind: e.failure?.kind ?? 'unknown' };
      break;
    }
  }
  return { ran, steps, perDesign, failure, coverage: recorders ? null : { ...coverage.toRecord(), races: races.toRecord() } };
}
