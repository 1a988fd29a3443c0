// Shrinking for explore: the smallest workload that still fails within the bound where explore found a failure.
// A deletion (a process, a thread, an op, a piece of background work: minimize.ts's candidates) is kept when a
// search of the smaller workload, bounds 0, 1, ... up to the failing schedule's preemptions and within a budget of
// runs, finds a schedule that fails the same way. The hunt's shrink keeps one recorded schedule failing; this one
// keeps "some schedule with <= k preemptions fails", which does not depend on where the port's scheduling points
// are, and its result comes with the failing schedule with the fewest preemptions. A candidate whose search runs
// out of budget counts as not failing (the larger workload is kept), so the shrink never claims more than it ran.
import { minimizeWorkload } from './minimize.ts';
import { exploreWorkloadAsync, type ExploreWorkloadOptions, type FoundFailure } from './explore.ts';
import type { Workload } from './workload.ts';

export interface ExploreShrinkOptions extends Omit<ExploreWorkloadOptions, 'preemptions' | 'maxSchedules' | 'stopAtFailure' | 'iterate'> {
  /** Runs each candidate's search may take. */
  readonly runsPerTry: number;
  /** At most this many candidates in all. */
  readonly maxTries?: number;
  /** Asked before and during every search: true ends the shrink with the smallest failing workload so far. */
  readonly stop?: () => boolean;
  /** Called after every candidate. */
  readonly onTry?: (p: { readonly tries: number; readonly kept: number }) => void;
}

export interface ExploreShrinkResult {
  readonly workload: Workload;
  /** The smallest workload's failing schedule (the one with the fewest preemptions its search found). */
  readonly first: FoundFailure;
  readonly tries: number;
  /** Deletions kept. */
  readonly kept: number;
  /** maxTries ran out before no single change was left to try. */
  readonly exhausted: boolean;
}

/** Shrinks `w`, on which explore found `first`. The workload's own schedule is dropped (explore does not use it). */
export async function shrinkExplored(w: Workload, first: FoundFailure, opts: ExploreShrinkOptions): Promise<ExploreShrinkResult> {
  const stop = opts.stop ?? (() => false);
  let best = first;
  let tries = 0;
  let kept = 0;
  const fails = async (c: Workload): Promise<boolean> => {
    // once stopped, the rest of the round is not searched (nor counted)
    if (stop()) return false;
    tries++;
    let ok = false;
    const r = await exploreWorkloadAsync(c, { ...opts, preemptions: first.preemptions, maxSchedules: opts.runsPerTry, stop });
    if (r.first !== null && r.first.failure.kind === first.failure.kind) {
      best = r.first;
      kept++;
      ok = true;
    }
    opts.onTry?.({ tries, kept });
    return ok;
  };
  const bare: Workload = { ...w, schedule: { strategy: 'random', choices: [] } };
  const maxTries = opts.maxTries ?? 10_000;
  const r = await minimizeWorkload(bare, fails, maxTries);
  return { workload: r.workload, first: best, tries, kept, exhausted: r.tries >= maxTries };
}
