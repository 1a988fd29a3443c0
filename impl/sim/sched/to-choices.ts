// Turns any recorded schedule into choices for the ChoicesScheduler: a strict replay that writes down, at every
// decision, the number that would make the ChoicesScheduler take the same step. A schedule found by PCT (which
// does not shrink) can then be shrunk as plain data.
import type { Runnable, Scheduler } from '../types.ts';
import { choiceFor, currentIndex } from './choices.ts';
import { ReplayScheduler } from './replay.ts';

export class ToChoicesScheduler implements Scheduler {
  readonly name = 'to-choices';
  private readonly replay: ReplayScheduler;
  private lastCpu = -1;
  private readonly out: number[] = [];

  constructor(ids: readonly string[]) {
    this.replay = new ReplayScheduler(ids);
  }

  /**
   * The equivalent choices, one per decision to the end (trailing zeros kept: once choices run out the
   * ChoicesScheduler turns fair, which is not the same as choosing 0).
   */
  get choices(): number[] {
    return [...this.out];
  }

  next(runnable: readonly Runnable[], current: string | null, step: number): number {
    const i = this.replay.next(runnable, current, step);
    if (runnable.length > 1) this.out.push(choiceFor(runnable, currentIndex(runnable, current, this.lastCpu), i));
    this.lastCpu = runnable[i]!.cpu;
    return i;
  }
}
