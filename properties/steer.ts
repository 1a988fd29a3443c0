// Steering: the hunt runs in epochs, each drawing its workloads with one profile (an op mix), and a UCB1 bandit
// picks the next epoch's profile by how many race-coverage keys (entry-point pairs on a cluster or slot, lock
// contentions) each profile has been finding that nobody had reached before. Everything is deterministic: the
// bandit's choices depend only on what the runs reached, and each execution's workload on the hunt's seed and its index.
import { DEFAULT_MIX, type OpMix } from './arbitraries.ts';

export interface Profile {
  readonly name: string;
  readonly mix: OpMix;
}

const p = (name: string, mix: Partial<OpMix>): Profile => ({ name, mix: { ...DEFAULT_MIX, ...mix } });

/** The profiles steering chooses among; the first is the default mix (the only one with steering off). */
export const PROFILES: readonly Profile[] = [
  p('default', {}),
  p('faults', { write: 6, read: 6, munmap: 2, threads: 3 }),
  p('reclaim', { pageout: 8, reclaim: 6, zswapWriteback: 4 }),
  p('swapoff', { pageout: 6, swapoff: 5, swapon: 3, swapCycling: 4 }),
  p('fork', { fork: 10, read: 5, pageout: 5 }),
  p('threads', { threads: 6, write: 5, read: 5, munmap: 3 }),
  p('large', { mapLarge: 6, pageout: 6 }),
  p('writeback', { zswapWriteback: 8, pageout: 6, read: 4 }),
  p('churn', { munmap: 5, fill: 4, pageout: 5, fork: 4 }),
];

/** Executions per epoch. */
export const EPOCH_RUNS = 50;

/** UCB1 over the profiles, rewarded with the new keys an epoch found (capped, per epoch). */
export class Steering {
  private readonly pulls: number[];
  private readonly reward: number[];
  private total = 0;
  /** Per profile: epochs, executions and new keys, for the report. */
  readonly stats: { profile: string; epochs: number; executions: number; newKeys: number }[];

  constructor(readonly profiles: readonly Profile[]) {
    this.pulls = profiles.map(() => 0);
    this.reward = profiles.map(() => 0);
    this.stats = profiles.map((pr) => ({ profile: pr.name, epochs: 0, executions: 0, newKeys: 0 }));
  }

  /** The next epoch's profile: each once first, then the best upper confidence bound (lowest index on ties). */
  pick(): number {
    const untried = this.pulls.indexOf(0);
    if (untried >= 0) return untried;
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i < this.profiles.length; i++) {
      const score = this.reward[i]! / this.pulls[i]! + Math.sqrt((2 * Math.log(this.total)) / this.pulls[i]!);
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  /** What epoch `i` found: new keys over its executions. */
  update(i: number, newKeys: number, executions: number): void {
    this.pulls[i]!++;
    this.total++;
    // a reward in [0, 1]: five new keys in an epoch is as good as it gets
    this.reward[i]! += Math.min(1, newKeys / 5);
    const s = this.stats[i]!;
    s.epochs++;
    s.executions += executions;
    s.newKeys += newKeys;
  }
}
