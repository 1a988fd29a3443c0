// Systematic exploration: every schedule of one workload with at most K preemptions, for K = 0, 1, … up to a bound
// (iterative context bounding: Musuvathi and Qadeer, PLDI 2007). Stateless: each schedule is a fresh run of the
// deterministic simulator, steered by a scheduler that replays a prefix of choices and then extends it; a
// depth-first search over those prefixes visits every schedule within the bound.
//
// A preemption is a step other than the next step of the CPU that stepped last while that CPU can still step (an
// interrupt delivered then counts as one). Switching after that CPU blocked, slept or finished is free. Steps after
// the run's step limit (the fair continuation that tells a livelock from a starving schedule) are not enumerated:
// the claim is about the schedules within the step limit.
//
// Reductions, over the simulator's own step footprints (impl/sim/footprint.ts, which states the data-race-freedom
// convention they rest on): two steps of different CPUs are independent when neither is global and they touch no
// lock, atomic, refcount, object, slot or pending interrupt in common (two updates of different parts of one summary,
// such as two writeback ends of "any folio under writeback", are nothing in common); so are an atomic delivery (an
// interrupt whose handler ran to its end in one step) and a step of its own CPU that leaves the CPU's interrupt state
// alone. DPOR goes further: it orders such a delivery with a step of its CPU that turned interrupts off or on only
// where a step touching what the delivery touches lies between them (onlyCpuKey, exploreDpor.ts).
//
// Sleep sets (Godefroid, 1996; reduction 'sleep', and part of 'dpor'): a choice explored before a sibling sleeps in
// the sibling's subtree until a dependent step runs: a schedule that takes it there is equivalent to one already
// explored. Sleep sets and a preemption bound do not combine naively (Coons, Musuvathi and McKinley, OOPSLA 2013):
// the explored equivalent of a pruned schedule may need more preemptions than the bound, and was cut. So an explored
// choice a goes to sleep for a later sibling b only when moving a forward cannot add a preemption:
//   (1) a is the next step of the CPU that stepped last (it costs nothing; taking b first cost one), or
//   (2) after a its CPU cannot step, and a costs no more than b at this state.
// Proof sketch: a pruned schedule b·w·a·r (w independent of a) is equivalent to a·b·w·r. Both
// pay the same inside w and r; at the junctions, a·b·w·r pays for a, for b after a (nothing in case 2; at most one in
// case 1, where b·w·a·r paid one for b) and for r's first step after w (at most what b·w·a·r paid for a, since a
// changes no CPU's ability to step: a step that makes a CPU wait on a lock records that lock, one that puts a task
// to sleep, finishes it or picks the next records what every task of its CPU waits for; where w ends with an atomic
// delivery on a's CPU, after which a was free, r's first step pays what it paid after a, and a·b·w·r saved b's one).
// So a·b·w·r needs no more preemptions and was explored within the bound.
//
// Bounded DPOR (reduction 'dpor', the default): sleep sets alone still try every choice at every decision; dynamic
// partial-order reduction (Flanagan and Godefroid, POPL 2005) tries only the first, and adds another choice at a
// decision only when a run shows a race there (two dependent steps of different threads, which the other order
// would reverse; a thread is a CPU's tasks or one interrupt's handler, and a pair ordered through a chain of other
// dependent steps is no race: vector clocks). Under a preemption bound that misses schedules (Coons et al.:
// reversing a race where it happens may cost a preemption the bound forbids), so each race also adds its choice,
// conservatively, at the last context switch before it, where it costs nothing more (BPOR, which they prove sound):
// a decision where the CPU that stepped last could not go on or the choice taken was a preemption (the start of the
// run counts as one; a handler's return to the task it interrupted does not). A choice the bound rules out where the
// race is adds nothing there; one that was not enabled there adds a step that leads to it (an initial, as in
// source-DPOR). An interrupt that CPUs could each take is one thread with a next step per CPU: trying one tries
// them all. Conservative choices are tried even when asleep and put no sibling to sleep (as in Deja Fu's BPOR). See
// DporRaces (exploreDpor.ts) for the details, and bench/explore-agreement.ts for the check that it reaches every
// outcome the unreduced search reaches. Its backtracking points come from runs anywhere below a decision, so a
// sliced search (ExploreOptions.shard) falls back to sleep sets.
import type { FaultName } from '../impl/kernel/faults.ts';
import type { Machine, Scheduler } from '../impl/sim/index.ts';
import { execute, type ExecutionFailure } from './execute.ts';
import { DporRaces } from './exploreDpor.ts';
import { backtrack, ExploreScheduler, Pruned, type Node, type Pending, type Reduction } from './exploreTree.ts';
import type { Workload } from './workload.ts';

/** One run under the given scheduler; `onMachine` must be called with the machine before it runs. */
export type Runner = (scheduler: Scheduler, onMachine: (m: Machine) => void) => { readonly failure: ExecutionFailure | null; readonly schedule: readonly string[]; readonly steps: number };

export interface ExploreOptions {
  /** The preemption bound K. */
  readonly preemptions: number;
  /**
   * The reduction (default 'dpor'): bounded DPOR with sleep sets, sleep sets alone, or none (to measure what they
   * save); true and false stand for the default and 'none'. A sharded search uses sleep sets ('dpor' finds its
   * backtracking points in runs a slice may not own).
   */
  readonly reduction?: Reduction | boolean;
  /** Explore K = 0, 1, … K in turn (default), or only K (to count the failing schedules within K). */
  readonly iterate?: boolean;
  /** Stop at the first failing schedule (default) or count them all. */
  readonly stopAtFailure?: boolean;
  /** Budget: at most this many runs in all. */
  readonly maxSchedules?: number;
  /** Budget: asked before every run; true cuts the search short (the caller owns the clock). */
  readonly stop?: () => boolean;
  /** Called after every run. */
  readonly onProgress?: (p: ExploreProgress) => void;
  /**
   * Explore only this slice (a worker thread's): the subtrees up to DEAL_LEVEL levels down the tree of subtrees are
   * dealt out in turn, everything below one belongs to its owner. The slices of 0..count-1 together run every schedule of the
   * whole search; a slice does not know what the siblings it does not own touch, so it puts fewer of them to sleep
   * (fewer pruned, never unsound: a smaller sleep set only explores more).
   */
  readonly shard?: { readonly index: number; readonly count: number };
  /**
   * Where a pending interrupt may be delivered: on any CPU that accepts it (default), or only on the first one, a
   * restriction of the schedules explored (the claim then says so) that divides their number by up to
   * CPUs^interrupts on workloads that leave several write completions pending.
   */
  readonly irqCpu?: 'any' | 'first';
  /** With shards: the lowest bound at which another slice found a failure (no bound above it is started). */
  readonly failedBound?: () => number;
  /**
   * A check (tests): every run starts afresh: DPOR's race analysis instead of keeping the threads and vector clocks
   * of the prefix the run shared with the last one, and the simulator builds every step's footprint instead of
   * leaving out the replayed prefix's (Machine.replayedPrefix). The same choices, in more time.
   */
  readonly dporFresh?: boolean;
}

export type { Reduction } from './exploreTree.ts';

/** The reduction an options object asks for. */
export function reductionOf(opts: Pick<ExploreOptions, 'reduction' | 'shard'>): Reduction {
  const r = opts.reduction === undefined || opts.reduction === true ? 'dpor' : opts.reduction === false ? 'none' : opts.reduction;
  return r === 'dpor' && opts.shard !== undefined ? 'sleep' : r;
}

export interface ExploreProgress {
  readonly bound: number;
  readonly schedules: number;
  readonly pruned: number;
  readonly failing: number;
}

export interface BoundStats {
  readonly bound: number;
  /** Runs to the end (each one a distinct schedule up to the reduction's equivalence). */
  schedules: number;
  /** Runs stopped early because every way on was asleep or over the bound: covered by explored schedules. */
  pruned: number;
  /** Failing schedules (when counting). */
  failing: number;
}

export interface FoundFailure {
  readonly failure: ExecutionFailure;
  readonly schedule: readonly string[];
  readonly steps: number;
  /** Preemptions the failing schedule makes (as defined above). */
  readonly preemptions: number;
  /** The bound being explored when it was found. */
  readonly bound: number;
}

export interface ExploreResult {
  /**
   * 'failure': stopped at a failing schedule; 'complete': every bound up to K explored; 'cut': a budget ran out;
   * 'stopped' (a slice only): another slice failed at a lower bound.
   */
  readonly status: 'failure' | 'complete' | 'cut' | 'stopped';
  /** The largest bound whose every schedule was run (-1: none). */
  readonly completedBound: number;
  readonly bounds: readonly BoundStats[];
  /** Runs in all, over every bound. */
  readonly runs: number;
  readonly first: FoundFailure | null;
  /** When counting: how many failing schedules had each failure kind. */
  readonly failingKinds: Readonly<Record<string, number>>;
}

/** The decisions before `changedAt` whose footprints the path has: a run needs footprints from there on. */
function knownFootprints(path: readonly Node[], changedAt: number): number {
  const n = Math.min(changedAt, path.length);
  for (let i = 0; i < n; i++) if (path[i]!.cur.fp === null) return i;
  return n;
}

/** How many decisions of the path take a choice other than their first: the depth of its subtree in the tree of subtrees. */
function level(path: readonly Node[]): number {
  let n = 0;
  for (const node of path) if (node.cur.id !== node.firstId) n++;
  return n;
}

/**
 * Sharded search: subtrees up to this level are dealt out in turn. Every slice runs the first schedule of each
 * subtree above it (to find the subtrees inside), which costs a few runs per subtree and balances the slices far
 * better than dealing only the subtrees that branch off the bound's first schedule.
 */
const DEAL_LEVEL = 2;

/** The search, run to its end in one go. */
export function explore(run: Runner, opts: ExploreOptions): ExploreResult {
  const search = exploring(run, opts);
  for (;;) {
    const r = search.next();
    if (r.done === true) return r.value;
  }
}

/**
 * The search, giving the event loop a turn every 50 ms of it (so that Ctrl-C, a timer or a progress bar can run while
 * it goes on in this thread).
 */
export async function exploreAsync(run: Runner, opts: ExploreOptions): Promise<ExploreResult> {
  const search = exploring(run, opts);
  let turn = performance.now();
  for (;;) {
    const r = search.next();
    if (r.done === true) return r.value;
    if (performance.now() - turn > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      turn = performance.now();
    }
  }
}

/** The search itself, pausing after every run. */
function* exploring(run: Runner, opts: ExploreOptions): Generator<void, ExploreResult, void> {
  const K = opts.preemptions;
  if (!Number.isInteger(K) || K < 0) throw new Error(`explore: the preemption bound must be a whole number >= 0, got ${K}`);
  const stopAtFailure = opts.stopAtFailure ?? true;
  const bounds: BoundStats[] = [];
  const failingKinds: Record<string, number> = {};
  let runs = 0;
  let first: FoundFailure | null = null;
  let completedBound = -1;
  const shard = opts.shard;
  const reduction = reductionOf(opts);
  for (let k = opts.iterate === false ? K : 0; k <= K; k++) {
    if (opts.failedBound !== undefined && opts.failedBound() < k) return { status: 'stopped', completedBound, bounds, runs, first, failingKinds };
    const stats: BoundStats = { bound: k, schedules: 0, pruned: 0, failing: 0 };
    bounds.push(stats);
    const path: Node[] = [];
    // DPOR: the race analysis, which keeps what the runs of this search share (their prefix)
    const races = reduction === 'dpor' ? new DporRaces() : null;
    // the numbers of named shared state, the same in every run: footprints of different runs meet (a sleeping
    // sibling's against this run's steps; a kept prefix's against new steps), and a name numbered at its first use
    // in each run could get two numbers (a dependency missed) or two names one number (one invented)
    const names = new Map<string, number>();
    // the position of the decision the last backtrack changed (everything before it ran before, the same way)
    let changedAt = 0;
    // sharded: subtrees dealt so far; whether the next run is this slice's to count, or skipped
    let dealt = 0;
    let skip = false;
    let mine = shard === undefined || shard.index === 0;
    /** Sharded: a new subtree up to DEAL_LEVEL goes to the next slice in turn; true when it is another's to run. */
    const deal = (): boolean => {
      if (shard === undefined) return false;
      const l = level(path);
      if (l > DEAL_LEVEL) return false; // inside a subtree of this slice
      mine = dealt++ % shard.count === shard.index;
      return !mine && l === DEAL_LEVEL;
    };
    for (;;) {
      if (skip) {
        // another slice's subtree: not run here
        if (!backtrack(path)) break;
        changedAt = path.length - 1;
        skip = deal();
        continue;
      }
      if ((opts.maxSchedules !== undefined && runs >= opts.maxSchedules) || opts.stop?.() === true) {
        return { status: 'cut', completedBound, bounds, runs, first, failingKinds };
      }
      if (opts.failedBound !== undefined && opts.failedBound() < k) return { status: 'stopped', completedBound, bounds, runs, first, failingKinds };
      const sched = new ExploreScheduler(path, k, reduction, opts.irqCpu === 'first');
      runs++;
      let pending: readonly Pending[] = [];
      try {
        const res = run(sched, (m) => {
          m.recordFootprints();
          // the steps before the changed decision replay the last run's, whose footprints the path keeps
          m.replayedPrefix(opts.dporFresh === true ? 0 : knownFootprints(path, changedAt), names);
          sched.machine = m;
        });
        const last = path[path.length - 1];
        // the last decision's step ran: its footprint, unless the fair continuation ran steps after it
        if (last !== undefined && last.cur.fp === null && res.schedule.length === path.length) last.cur.fp = sched.machine?.lastFootprint ?? null;
        if (res.failure !== null || res.schedule.length > path.length) pending = Array.from({ length: sched.machine?.cpus ?? 0 }, (_, cpu) => ({ cpu, id: null, irq: false }));
        // (a slice runs the first schedule of a subtree another owns to find the subtrees inside; the owner counts it)
        if (mine) {
          stats.schedules++;
          if (res.failure !== null) {
            stats.failing++;
            failingKinds[res.failure.kind] = (failingKinds[res.failure.kind] ?? 0) + 1;
            if (first === null) {
              const preemptions = last === undefined ? 0 : last.cost + last.cur.cost;
              first = { failure: res.failure, schedule: res.schedule, steps: res.steps, preemptions, bound: k };
            }
            if (stopAtFailure) return { status: 'failure', completedBound, bounds, runs, first, failingKinds };
          }
        }
      } catch (err) {
        if (!(err instanceof Pruned)) throw err;
        if (mine) stats.pruned++;
        pending = sched.overBound;
      }
      if (races !== null) (opts.dporFresh === true ? new DporRaces() : races).backtrack(path, pending, changedAt);
      opts.onProgress?.({ bound: k, schedules: stats.schedules, pruned: stats.pruned, failing: stats.failing });
      yield;
      if (!backtrack(path)) break;
      changedAt = path.length - 1;
      skip = deal();
    }
    completedBound = k;
  }
  return { status: first !== null ? 'failure' : 'complete', completedBound, bounds, runs, first, failingKinds };
}

export interface ExploreWorkloadOptions extends ExploreOptions {
  readonly faults: readonly FaultName[];
  readonly lockdep?: boolean;
}

/** One workload's runs, every oracle on (its own schedule is ignored). */
function workloadRunner(w: Workload, opts: ExploreWorkloadOptions): Runner {
  return (scheduler, onMachine) => execute(w, { faults: opts.faults, lockdep: opts.lockdep ?? true, scheduler, onMachine });
}

/** Explores one workload. */
export function exploreWorkload(w: Workload, opts: ExploreWorkloadOptions): ExploreResult {
  return explore(workloadRunner(w, opts), opts);
}

/** Explores one workload, giving the event loop its turns (the CLI's own thread: Ctrl-C, the progress bar). */
export function exploreWorkloadAsync(w: Workload, opts: ExploreWorkloadOptions): Promise<ExploreResult> {
  return exploreAsync(workloadRunner(w, opts), opts);
}
