// Fair schedules: a schedule that starves the CPU another one waits for is not a livelock of the code. Choices that
// run out continue fairly, a run that reaches the step limit is continued under round robin before it is called a
// livelock, and PCT lowers a thread that yields. A real livelock is still reported.
import { describe, expect, it } from 'vitest';
import { ChoicesScheduler, Machine, PctScheduler, schedule_timeout, spin_lock, spin_trylock, spin_unlock, wait_event } from '../../impl/sim/index.ts';
import type { Scheduler } from '../../impl/sim/index.ts';
import { NoPreemptScheduler } from '../world/harness.ts';
import { RETRY_SCHEDULES, holderAndRetrier } from './retry.ts';

/** CPU1 retries a trylock at once (no schedule_timeout) while CPU0 holds L for a few steps. */
const busyRetry = (scheduler: Scheduler, fairSteps: number) => holderAndRetrier({ scheduler, sleep: false, fairSteps });
const schedules = RETRY_SCHEDULES;

/** Plays `choices`, then never preempts: the choice array of the old scheduler, which kept 0 for ever. */
class UnfairAfterChoices implements Scheduler {
  readonly name = 'unfair-after-choices';
  private readonly head: ChoicesScheduler;
  private readonly tail = new NoPreemptScheduler();
  private left: number;
  constructor(choices: number[]) {
    this.head = new ChoicesScheduler(choices);
    this.left = choices.length;
  }
  next(runnable: Parameters<Scheduler['next']>[0], current: string | null, step: number): number {
    if (this.left > 0) {
      if (runnable.length > 1) this.left--;
      return this.head.next(runnable, current, step);
    }
    return this.tail.next(runnable, current);
  }
}

describe('fair schedules', () => {
  it('the starvation is real: a schedule that never preempts the retrier again spins it to the step limit', () => {
    const kinds = schedules.map((c) => busyRetry(new UnfairAfterChoices(c), 0).kind);
    expect(kinds).toContain('step-limit');
  });

  it('choices that run out continue fairly: the retrier no longer starves the holder', () => {
    for (const c of schedules) {
      const r = busyRetry(new ChoicesScheduler(c), 0);
      expect(r.kind, `choices ${c}: ${r.message}`).toBe('ok');
      expect(r.holderDone).toBe(true);
    }
  });

  it('a run that reaches the step limit under a starving schedule is continued fairly and ends well', () => {
    for (const c of schedules) {
      const r = busyRetry(new UnfairAfterChoices(c), 200);
      expect(r.kind, `choices ${c}: ${r.message}`).toBe('ok');
    }
    // at least one of them needed the fair continuation
    expect(schedules.some((c) => busyRetry(new UnfairAfterChoices(c), 200).fairFrom >= 0)).toBe(true);
  });

  it('a real livelock is still reported, after the fair continuation too', () => {
    // two CPUs each wait, retrying at once, for the other to give up its lock first: nobody ever does
    const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler([]), stepLimit: 300, fairSteps: 300 });
    const a = m.spinlock('A');
    const b = m.spinlock('B');
    let holding = 0;
    const grab = (mine: typeof a, theirs: typeof a) =>
      function* (mm: Machine) {
        yield* spin_lock(mm, mine);
        holding++;
        while (holding < 2) yield* mm.point('wait for the other to hold its first lock');
        while (!(yield* spin_trylock(mm, theirs))) yield* mm.point('other lock busy, retry');
        yield* spin_unlock(mm, theirs);
        yield* spin_unlock(mm, mine);
      };
    m.spawn(0, 'ab', grab(a, b));
    m.spawn(1, 'ba', grab(b, a));
    const r = m.run();
    expect(!r.ok && r.failure.kind).toBe('step-limit');
    expect(!r.ok && r.failure.message).toMatch(/no quiescence in 300 steps, nor in 300 more steps of a fair round-robin/);
  });

  it('PCT lowers a thread that yields, so the holder it waits for runs although it has the lower priority', () => {
    // every seed: whichever CPU PCT favours, the retrier's schedule_timeout hands the CPU to the holder
    for (let seed = 1; seed <= 20; seed++) {
      const m = new Machine({ cpus: 2, scheduler: new PctScheduler({ seed, depth: 1 }), stepLimit: 400 });
      const l = m.spinlock('L');
      let taken = false;
      m.spawn(0, 'holder', function* (m) {
        yield* spin_lock(m, l);
        taken = true;
        for (let i = 0; i < 5; i++) yield* m.point('work under L');
        yield* spin_unlock(m, l);
      });
      let retries = 0;
      m.spawn(1, 'retrier', function* (m) {
        yield* wait_event(m, 'holder took L', () => taken);
        while (!(yield* spin_trylock(m, l))) {
          retries++;
          yield* schedule_timeout(m, 'L busy');
        }
        yield* spin_unlock(m, l);
      });
      const r = m.run();
      expect(r.ok, `seed ${seed}: ${r.ok ? '' : r.failure.message}`).toBe(true);
      // one retry is enough once the yielder is below the holder (without the demotion, a retrier above the holder
      // retries after each of the holder's steps)
      expect(retries, `seed ${seed}`).toBeLessThanOrEqual(1);
    }
  });
});
