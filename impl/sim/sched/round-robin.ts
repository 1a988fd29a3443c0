// Round robin: each step goes to the runnable after the one that ran last, in id order (maximal interleaving).
import type { Runnable, Scheduler } from '../types.ts';

export class RoundRobinScheduler implements Scheduler {
  readonly name = 'round-robin';

  next(runnable: readonly Runnable[], current: string | null): number {
    if (current === null) return 0;
    for (let i = 0; i < runnable.length; i++) if (runnable[i]!.id > current) return i;
    return 0;
  }
}
