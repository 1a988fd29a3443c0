// The benchmark of bug-finding power and speed: per fault and strategy, time and executions to detection over
// several seeds (median and worst), the shrunk trace's size; and the cost of checking (all oracles against none).
import fc from 'fast-check';
import { FAULTS, FAULT_NAMES, expectedKinds, type FaultName } from '../impl/kernel/faults.ts';
import { DESIGN_NAMES, type DesignName } from '../impl/kernel/swap.ts';
import { DEFAULT_BOUNDS, type Strategy, workloadArb } from './arbitraries.ts';
import { execute } from './execute.ts';
import { hunt, huntDesigns } from './hunt.ts';
import { workloadSize } from './workload.ts';

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
  readonly onRow?: (row: DetectionRow) => void;
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const max = (xs: number[]): number | null => (xs.length ? Math.max(...xs) : null);

export function detectionRow(fault: FaultName, strategy: Strategy, opts: BenchOptions): DetectionRow {
  const kinds = expectedKinds(FAULTS[fault]);
  const expected = kinds.join(' or ');
  const samples = opts.seeds.map((seed): DetectionSample => {
    const t0 = performance.now();
    let foundMs = -1;
    let foundAt = 0;
    const designs = opts.designs ?? DESIGN_NAMES;
    const r = hunt({ seed, seconds: opts.budgetSeconds, strategy, faults: [fault], designs, shrinkSeconds: opts.shrinkSeconds }, (p) => {
      if (foundMs < 0 && p.failures > 0) {
        foundMs = performance.now() - t0;
        foundAt = p.executions;
      }
    });
    const f = r.failure;
    const kind = f?.execution.failure?.kind ?? null;
    return {
      seed,
      // detected: failed as the fault should, and the same workload and schedule pass with the fault off
      detected: kind !== null && kinds.includes(kind) && f?.withoutFaults === null,
      kind,
      seconds: f ? foundMs / 1000 : r.elapsedMs / 1000,
      executions: f ? foundAt : r.executions,
      shrunk: f ? { ops: workloadSize(f.workload).ops, cpus: f.workload.config.cpus, preemptions: f.execution.preemptions } : null,
    };
  });
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
  let steps = 0;
  for (const w of workloads) {
    const a = performance.now();
    const e = execute(w, { faults: [], oracles: true });
    const b = performance.now();
    execute(w, { faults: [], oracles: false });
    const c = performance.now();
    checked += b - a;
    bare += c - b;
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
  };
}

export function runBench(opts: BenchOptions): { detection: DetectionRow[]; throughput: ThroughputRow[]; peakRssMiB: number } {
  const detection: DetectionRow[] = [];
  const designs = opts.designs ?? DESIGN_NAMES;
  for (const fault of (opts.faults.length ? opts.faults : FAULT_NAMES).filter((f) => huntDesigns(designs, [f]).length > 0)) {
    for (const strategy of opts.strategies) {
      const row = detectionRow(fault, strategy, opts);
      detection.push(row);
      opts.onRow?.(row);
    }
  }
  const tp = designs.map((d) => throughput(opts.throughputRuns, opts.seeds[0] ?? 1, d));
  return { detection, throughput: tp, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}
