// Strict replay of a recorded schedule (m.schedule): each step must offer exactly the recorded id, and the
// run must not outlast the recording; otherwise the run fails with 'replay-mismatch' explaining why.
import type { Runnable, Scheduler } from '../types.ts';
import { SimFailure } from '../failure.ts';

export class ReplayScheduler implements Scheduler {
  readonly name = 'replay';

  constructor(private readonly ids: readonly string[]) {}

  get length(): number {
    return this.ids.length;
  }

  next(runnable: readonly Runnable[], current: string | null, step: number): number {
    const expected = this.ids[step];
    if (expected === undefined) {
      throw new SimFailure('replay-mismatch', `the recording ends after ${this.ids.length} steps but the run goes on at step ${step}; runnable: ${offered(runnable)}`, {
        lines: ['the code or the workload differs from the recorded run'],
      });
    }
    for (let i = 0; i < runnable.length; i++) if (runnable[i]!.id === expected) return i;
    throw new SimFailure('replay-mismatch', `step ${step}: recorded '${expected}' is not runnable; runnable: ${offered(runnable)}`, {
      lines: [`the previous step ran '${current ?? '(none)'}'`, 'the code or the workload differs from the recorded run'],
    });
  }
}

/** The runnable ids, for a mismatch report (built only then, not at every step). */
function offered(runnable: readonly Runnable[]): string {
  return runnable.map((r) => r.id).join(', ');
}
