// Wraps any strategy and counts what it did: steps, context switches (a different CPU than the last step),
// and preemptions (a switch away from a CPU that could still have run).
import type { Runnable, Scheduler } from '../types.ts';

export class MetricsScheduler implements Scheduler {
  readonly name: string;
  steps = 0;
  contextSwitches = 0;
  preemptions = 0;
  /** Interrupt deliveries chosen. */
  interrupts = 0;
  private lastCpu = -1;

  constructor(readonly inner: Scheduler) {
    this.name = `metrics(${inner.name})`;
  }

  next(runnable: readonly Runnable[], current: string | null, step: number): number {
    const i = this.inner.next(runnable, current, step);
    const chosen = runnable[i];
    if (chosen === undefined) return i;
    this.steps++;
    if (chosen.kind !== 'step') this.interrupts++;
    if (this.lastCpu >= 0 && chosen.cpu !== this.lastCpu) {
      this.contextSwitches++;
      if (runnable.some((r) => r.kind === 'step' && r.cpu === this.lastCpu)) this.preemptions++;
    }
    this.lastCpu = chosen.cpu;
    return i;
  }
}
