// Schedules as plain data: one number per real decision, so fast-check can generate and shrink them.
// 0 keeps the CPU that ran last (no preemption), so shrinking towards 0 removes preemptions. Once the choices run
// out the schedule stays fair: the CPU that ran last keeps running, but for at most QUANTUM steps in a row while
// another can run (then the next one in id order takes over), so no CPU is starved for ever.
import type { Runnable, Scheduler } from '../types.ts';

/** Steps a runnable may take in a row, once the choices are used up, while another one is runnable. */
export const QUANTUM = 64;

export class ChoicesScheduler implements Scheduler {
  readonly name = 'choices';
  private pos = 0;
  private lastCpu = -1;
  private run = 0;

  constructor(private readonly choices: readonly number[]) {}

  /** How many choices were consumed (steps with more than one runnable). */
  get used(): number {
    return this.pos;
  }

  next(runnable: readonly Runnable[], current: string | null, step: number): number {
    const i = this.pick(runnable, current);
    const r = runnable[i]!;
    this.run = r.id === current ? this.run + 1 : 1;
    this.lastCpu = r.cpu;
    return i;
  }

  private pick(runnable: readonly Runnable[], current: string | null): number {
    const cur = currentIndex(runnable, current, this.lastCpu);
    if (runnable.length === 1) return 0;
    if (this.pos >= this.choices.length && cur >= 0 && this.run >= QUANTUM) return (cur + 1) % runnable.length;
    const choice = this.pos < this.choices.length ? this.choices[this.pos++]! : 0;
    const k = Math.abs(Math.trunc(choice));
    if (cur < 0) return k % runnable.length;
    if (k === 0) return cur;
    // The ((k-1) mod others)-th runnable other than the current one.
    const j = (k - 1) % (runnable.length - 1);
    return j < cur ? j : j + 1;
  }
}

/**
 * The runnable that continues what ran last: the same id, or the step of the CPU it ran on (after an interrupt was
 * delivered there, "keep running" means keep stepping that CPU). -1 when there is none.
 */
export function currentIndex(runnable: readonly Runnable[], current: string | null, lastCpu: number): number {
  if (current === null) return -1;
  let sameCpu = -1;
  for (let i = 0; i < runnable.length; i++) {
    const r = runnable[i]!;
    if (r.id === current) return i;
    if (sameCpu < 0 && r.kind === 'step' && r.cpu === lastCpu) sameCpu = i;
  }
  return sameCpu;
}

/** The smallest choice that makes a ChoicesScheduler pick `index` (the inverse of its rule). */
export function choiceFor(runnable: readonly Runnable[], cur: number, index: number): number {
  if (cur < 0) return index;
  if (index === cur) return 0;
  return (index < cur ? index : index - 1) + 1;
}
