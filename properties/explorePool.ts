// explore on every core: the search is dealt into slices (ExploreOptions.shard), one per worker thread of a piscina
// pool, and their results merged. The slices share, through one SharedArrayBuffer, the lowest bound any of them
// failed at (no slice starts a bound above it), a stop flag (Ctrl-C, the time budget), the runs made in all (the
// run budget) and each slice's progress. The merged verdict does not depend on timing: a failure is the one of the
// lowest bound, then of the lowest slice, and every slice completes each bound up to it. (Which runs were made after
// that, and a budget's cut, do.)
import { Piscina } from 'piscina';
import { exploreWorkload, type BoundStats, type ExploreResult, type ExploreWorkloadOptions } from './explore.ts';
import type { Workload } from './workload.ts';

/** The shared words: lowest failed bound, stop flag, runs in all, then per slice its bound and schedules. */
const FAILED = 0;
const STOP = 1;
const RUNS = 2;
const slot = (i: number): number => 3 + 2 * i;

export interface ExploreShardTask {
  readonly workload: Workload;
  readonly opts: Omit<ExploreWorkloadOptions, 'stop' | 'onProgress' | 'failedBound' | 'shard'>;
  readonly shard: { readonly index: number; readonly count: number };
  /** Date.now() after which the slice stops (the worker's own clock), or null. */
  readonly deadline: number | null;
  readonly shared: SharedArrayBuffer;
}

export interface PoolProgress {
  readonly bound: number;
  readonly schedules: number;
  readonly runs: number;
}

export interface ExplorePoolOptions extends Omit<ExploreWorkloadOptions, 'stop' | 'onProgress' | 'failedBound' | 'shard'> {
  readonly workers: number;
  readonly deadline: number | null;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PoolProgress) => void;
}

export async function exploreOnPool(w: Workload, o: ExplorePoolOptions): Promise<ExploreResult> {
  const { workers, deadline, signal, onProgress, ...opts } = o;
  const shared = new SharedArrayBuffer(4 * slot(workers));
  const words = new Int32Array(shared);
  words[FAILED] = 0x7fffffff;
  const pool = new Piscina({ filename: new URL('./pool-worker.mjs', import.meta.url).href, minThreads: workers, maxThreads: workers });
  const stop = (): void => void Atomics.store(words, STOP, 1);
  signal?.addEventListener('abort', stop);
  const timer = onProgress
    ? setInterval(() => {
        let bound = 0;
        let schedules = 0;
        for (let i = 0; i < workers; i++) {
          bound = Math.max(bound, Atomics.load(words, slot(i)));
          schedules += Atomics.load(words, slot(i) + 1);
        }
        onProgress({ bound, schedules, runs: Atomics.load(words, RUNS) });
      }, 100)
    : null;
  try {
    const results = (await Promise.all(
      Array.from({ length: workers }, (_, index) => pool.run({ workload: w, opts, shard: { index, count: workers }, deadline, shared } satisfies ExploreShardTask, { name: 'exploreShard' })),
    )) as ExploreResult[];
    return mergeSlices(results);
  } finally {
    if (timer) clearInterval(timer);
    signal?.removeEventListener('abort', stop);
    await pool.destroy();
  }
}

/** One slice, in a worker thread (pool-worker.mjs). */
export function exploreShard(t: ExploreShardTask): ExploreResult {
  const words = new Int32Array(t.shared);
  const max = t.opts.maxSchedules;
  const r = exploreWorkload(t.workload, {
    ...t.opts,
    maxSchedules: undefined,
    shard: t.shard,
    failedBound: () => Atomics.load(words, FAILED),
    // asked once before each run: a run takes its number here, so the slices make at most `max` runs in all
    stop: () => Atomics.load(words, STOP) === 1 || (t.deadline !== null && Date.now() > t.deadline) || (Atomics.add(words, RUNS, 1) >= (max ?? Infinity)),
    onProgress: (p) => {
      Atomics.store(words, slot(t.shard.index), p.bound);
      Atomics.store(words, slot(t.shard.index) + 1, p.schedules);
    },
  });
  if (r.first !== null) {
    // the lowest failed bound, for the other slices
    for (let cur = Atomics.load(words, FAILED); r.first.bound < cur; cur = Atomics.load(words, FAILED)) {
      if (Atomics.compareExchange(words, FAILED, cur, r.first.bound) === cur) break;
    }
  }
  return r;
}

/** The slices' results as one search's. */
export function mergeSlices(results: readonly ExploreResult[]): ExploreResult {
  const bounds: BoundStats[] = [];
  const failingKinds: Record<string, number> = {};
  let first: ExploreResult['first'] = null;
  for (const r of results) {
    for (const b of r.bounds) {
      const m = bounds.find((x) => x.bound === b.bound);
      if (m) {
        m.schedules += b.schedules;
        m.pruned += b.pruned;
        m.failing += b.failing;
      } else bounds.push({ ...b });
    }
    for (const [k, n] of Object.entries(r.failingKinds)) failingKinds[k] = (failingKinds[k] ?? 0) + n;
    // slices come in index order: a later one replaces the failure only with one of a lower bound
    if (r.first !== null && (first === null || r.first.bound < first.bound)) first = r.first;
  }
  bounds.sort((a, b) => a.bound - b.bound);
  const runs = results.reduce((n, r) => n + r.runs, 0);
  const completedBound = Math.min(...results.map((r) => r.completedBound));
  const status = first !== null ? 'failure' : results.some((r) => r.status === 'cut') ? 'cut' : 'complete';
  return { status, completedBound, bounds, runs, first, failingKinds };
}
