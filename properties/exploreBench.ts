// The explore benchmark (BENCHMARKS.md): for every fault of the catalogue, its committed regression's workload or
// the workload a fixed-seed hunt shrinks; explore finds the failure within the bound, proves the fixed code clean
// within it, and what the reductions (bounded DPOR, the default; sleep sets alone) save.
import { FAULT_NAMES, faultSpec, type FaultName } from '../impl/kernel/faults.ts';
import { loadTrace, traceWorkload } from '../traces/load.ts';
import { exploreWorkload, type ExploreResult, type Reduction } from './explore.ts';
import { hunt } from './hunt.ts';
import type { Workload } from './workload.ts';
import { existsSync } from 'node:fs';

export interface ExploreBenchOptions {
  readonly faults?: readonly FaultName[];
  /** The preemption bound (the goal: 2). */
  readonly preemptions: number;
  /** Budget of each explore run, in seconds. */
  readonly seconds: number;
  /** Where interrupts may be delivered (ExploreOptions.irqCpu). */
  readonly irqCpu: 'any' | 'first';
  /** Seed of the hunts that shrink a workload for faults without a committed regression. */
  readonly seed: number;
  readonly onFault?: (fault: FaultName) => void;
}

export interface ExploreRun {
  readonly status: ExploreResult['status'];
  readonly completedBound: number;
  readonly runs: number;
  /** Complete schedules and pruned runs of the last bound explored. */
  readonly schedules: number;
  readonly pruned: number;
  readonly seconds: number;
  readonly failureKind: string | null;
  /** Preemptions of the failing schedule found. */
  readonly preemptions: number | null;
}

export interface ExploreBenchRow {
  readonly fault: FaultName;
  /** 'regression' (committed trace) or 'hunt' (shrunk by a hunt with the bench's seed), or null: no workload. */
  readonly source: 'regression' | 'hunt' | null;
  readonly steps: number;
  readonly cpus: number;
  readonly found: ExploreRun | null;
  readonly fixed: ExploreRun | null;
  readonly fixedSleep: ExploreRun | null;
  readonly fixedNoReduction: ExploreRun | null;
}

async function workloadFor(fault: FaultName, seed: number): Promise<{ w: Workload; lockdep: boolean; source: 'regression' | 'hunt'; steps: number } | null> {
  const file = faultSpec(fault).rareRace?.regression ?? `traces/regressions/${fault}.json`;
  if (existsSync(file)) {
    const t = loadTrace(file);
    if (t.faults.includes(fault)) return { w: traceWorkload(t), lockdep: t.lockdep, source: 'regression', steps: t.schedule.length };
  }
  const r = await hunt({ seed, runs: 12_000, seconds: 120, shrinkSeconds: 20, strategy: 'mixed', faults: [fault] });
  if (r.failure === null) return null;
  return { w: r.failure.workload, lockdep: true, source: 'hunt', steps: r.failure.execution.steps };
}

function timed(o: ExploreBenchOptions, w: Workload, faults: readonly FaultName[], lockdep: boolean, reduction: Reduction): ExploreRun {
  const t0 = performance.now();
  const r = exploreWorkload(w, { faults, lockdep, preemptions: o.preemptions, reduction, irqCpu: o.irqCpu, stop: () => performance.now() - t0 > o.seconds * 1000 });
  const last = r.bounds[r.bounds.length - 1]!;
  return {
    status: r.status,
    completedBound: r.completedBound,
    runs: r.runs,
    schedules: last.schedules,
    pruned: last.pruned,
    seconds: +((performance.now() - t0) / 1000).toFixed(2),
    failureKind: r.first?.failure.kind ?? null,
    preemptions: r.first?.preemptions ?? null,
  };
}

export async function runExploreBench(o: ExploreBenchOptions): Promise<ExploreBenchRow[]> {
  const rows: ExploreBenchRow[] = [];
  for (const fault of o.faults ?? FAULT_NAMES) {
    o.onFault?.(fault);
    const src = await workloadFor(fault, o.seed);
    if (src === null) {
      rows.push({ fault, source: null, steps: 0, cpus: 0, found: null, fixed: null, fixedSleep: null, fixedNoReduction: null });
      continue;
    }
    rows.push({
      fault,
      source: src.source,
      steps: src.steps,
      cpus: src.w.config.cpus,
      found: timed(o, src.w, [fault], src.lockdep, 'dpor'),
      fixed: timed(o, src.w, [], src.lockdep, 'dpor'),
      fixedSleep: timed(o, src.w, [], src.lockdep, 'sleep'),
      fixedNoReduction: timed(o, src.w, [], src.lockdep, 'none'),
    });
  }
  return rows;
}
