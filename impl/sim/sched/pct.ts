// PCT (Burckhardt et al., "A randomized scheduler with probabilistic guarantees of finding bugs", ASPLOS'10):
// every thread gets a random priority, the highest-priority runnable thread runs, and at d-1 random steps the
// running thread's priority drops below all others. A bug of depth d is found with probability at least
// 1/(n·k^(d-1)) for n threads and k steps. Here a "thread" is a CPU's step or one interrupt delivery.
// As in PCT's variants for programs with spin loops, a thread that yields (sleeps in schedule_timeout to retry)
// drops below every other priority, so the lower-priority thread it waits for gets to run.
import type { Runnable, Scheduler } from '../types.ts';
import { Prng } from './prng.ts';

export interface PctOptions {
  readonly seed: number;
  /** Bug depth d: d-1 priority change points (default 3). */
  readonly depth?: number;
  /** k: the steps over which change points are spread (default 2000). */
  readonly expectedSteps?: number;
}

export interface PctBound {
  /** 1/(n·k^(d-1)). */
  readonly probability: number;
  readonly n: number;
  readonly k: number;
  readonly d: number;
  readonly text: string;
}

export class PctScheduler implements Scheduler {
  readonly name: string;
  readonly depth: number;
  readonly expectedSteps: number;
  private readonly rng: Prng;
  /** Priority per thread, boxed so that every runnable id of the thread shares it. */
  private readonly priority = new Map<string, { p: number }>();
  private readonly byId = new Map<string, { p: number }>();
  /** Steps at which the running thread is demoted, ascending. */
  private readonly changePoints: number[] = [];
  private nextChange = 0;
  private steps = 0;
  /** Yields seen per runnable id, and the next priority given to a yielding thread (below all others). */
  private readonly yieldsSeen = new Map<string, number>();
  private lowest = 0;

  constructor(opts: PctOptions) {
    this.depth = Math.max(1, opts.depth ?? 3);
    this.expectedSteps = Math.max(1, opts.expectedSteps ?? 2000);
    this.name = `pct(seed=${opts.seed},d=${this.depth},k=${this.expectedSteps})`;
    this.rng = new Prng(opts.seed);
    const points = new Set<number>();
    while (points.size < Math.min(this.depth - 1, this.expectedSteps)) points.add(this.rng.below(this.expectedSteps));
    this.changePoints = [...points].sort((a, b) => a - b);
  }

  next(runnable: readonly Runnable[], current: string | null, step: number): number {
    this.steps = step + 1;
    // At a change point the thread that ran last gets one of the lowest priorities (d-1 .. 1).
    while (this.nextChange < this.changePoints.length && this.changePoints[this.nextChange]! <= step) {
      if (current !== null) this.boxOf(current).p = this.depth - 1 - this.nextChange;
      this.nextChange++;
    }
    let best = 0;
    let bestPrio = -Infinity;
    for (let i = 0; i < runnable.length; i++) {
      const r = runnable[i]!;
      const y = r.yields ?? 0;
      if (y > (this.yieldsSeen.get(r.id) ?? 0)) {
        this.yieldsSeen.set(r.id, y);
        this.boxOf(r.id).p = --this.lowest;
      }
      const p = this.boxOf(r.id).p;
      if (p > bestPrio) {
        best = i;
        bestPrio = p;
      }
    }
    return best;
  }

  /** Threads seen so far (n of the bound). */
  get threads(): number {
    return this.priority.size;
  }

  /** The guarantee for this run: n threads seen, k = steps taken (or expectedSteps before the run). */
  probabilityBound(): PctBound {
    const n = Math.max(1, this.priority.size);
    const k = this.steps > 0 ? this.steps : this.expectedSteps;
    const d = this.depth;
    const probability = 1 / (n * Math.pow(k, d - 1));
    const text =
      `PCT bound: a bug of depth ${d} is found by one run with probability >= 1/(n·k^(d-1)) = ` +
      `1/(${n}·${k}^${d - 1}) = ${probability.toExponential(3)} (n=${n} threads, k=${k} steps)`;
    return { probability, n, k, d, text };
  }

  /** An interrupt keeps one identity whatever CPU it is offered on. */
  private threadOf(id: string): string {
    const at = id.lastIndexOf('@');
    return at < 0 ? id : id.slice(0, at);
  }

  /** New threads get a random priority above every change-point priority (>= d). */
  private boxOf(id: string): { p: number } {
    let box = this.byId.get(id);
    if (box !== undefined) return box;
    const thread = this.threadOf(id);
    box = this.priority.get(thread);
    if (box === undefined) {
      box = { p: this.depth + this.rng.nextU32() / 0x1_0000_0000 };
      this.priority.set(thread, box);
    }
    this.byId.set(id, box);
    return box;
  }
}
