// The search tree of explore (properties/explore.ts, which states the search and its reductions): its decisions, the
// scheduler that follows a path of them and extends it, the sleep sets it carries, and the backtrack to the next path.
import { independent, type Footprint, type Machine, type Runnable, type Scheduler } from '../impl/sim/index.ts';

export type Reduction = 'dpor' | 'sleep' | 'none';

/** A choice at a decision of the search tree. */
export interface Choice {
  readonly id: string;
  readonly cpu: number;
  /** An interrupt's delivery (the first step of a thread of its own, for DPOR). */
  readonly irq: boolean;
  /** 1 when taking it is a preemption. */
  readonly cost: number;
  /** What it touched, once it ran (null: unknown, treated as dependent on everything). */
  fp: Footprint | null;
  /** After it ran, its CPU could not step (known once the next decision was reached). */
  blocksCpu: boolean;
  /** DPOR: added at the last context switch before a race (explored even if asleep, and puts nothing to sleep). */
  conservative: boolean;
}

export interface Sleeper {
  readonly id: string;
  readonly fp: Footprint;
}

/** A decision of the search tree: the choice taken now, those left to take, those taken before. */
export interface Node {
  /** The choice taken first (the one without a preemption, if any). */
  readonly firstId: string;
  /** The CPU that stepped last can step again (so any other choice is a preemption). */
  readonly lastCanStep: boolean;
  /** Preemptions made before this decision. */
  readonly cost: number;
  readonly sleep: readonly Sleeper[];
  /** DPOR: every choice within the bound here, asleep or not (what it may add to todo); empty otherwise. */
  readonly avail: readonly Choice[];
  /** DPOR: the CPUs that could step here, within the bound or not (bit per CPU); 0 otherwise. */
  readonly stepping: number;
  /** DPOR: the choices here beyond the bound (their ids); empty otherwise. */
  readonly over: readonly string[];
  cur: Choice;
  readonly todo: Choice[];
  readonly done: Choice[];
}

/** DPOR: a step that did not run within the path (its id, if it was a runnable at the path's end). */
export interface Pending {
  readonly cpu: number;
  readonly id: string | null;
  /** An interrupt's delivery. */
  readonly irq: boolean;
}

/** A run stopped because every way on is asleep or over the bound. */
export class Pruned extends Error {}

/** Follows the path's choices, then extends the path with new decisions (first choice: no preemption). */
export class ExploreScheduler implements Scheduler {
  readonly name = 'explore';
  machine: Machine | null = null;
  /** When the run was pruned: the runnables left out only by the bound (DPOR treats them as pending steps). */
  overBound: readonly Pending[] = [];

  constructor(
    private readonly path: Node[],
    private readonly bound: number,
    private readonly reduction: Reduction,
    private readonly irqFirstCpu: boolean,
  ) {}

  next(runnable: readonly Runnable[], _current: string | null, step: number): number {
    const path = this.path;
    if (step > 0) {
      const prev = path[step - 1]!;
      if (prev.cur.fp === null) prev.cur.fp = this.machine!.lastFootprint;
    }
    if (step < path.length) {
      const id = path[step]!.cur.id;
      for (let i = 0; i < runnable.length; i++) if (runnable[i]!.id === id) return i;
      throw new Error(`explore: step ${step}: '${id}' is not runnable on a re-run of the same prefix (the run is not deterministic)`);
    }
    const parent = step > 0 ? path[step - 1]! : null;
    const lastCpu = parent?.cur.cpu ?? -1;
    const lastCanStep = lastCpu >= 0 && canStep(runnable, lastCpu);
    if (parent !== null) parent.cur.blocksCpu = !lastCanStep;
    const cost = parent === null ? 0 : parent.cost + parent.cur.cost;
    const sleep = parent !== null && this.reduction !== 'none' ? childSleep(parent) : [];
    const dpor = this.reduction === 'dpor';
    // DPOR keeps every choice within the bound, for the races a run shows (DporRaces, exploreDpor.ts) to add to todo
    const avail: Choice[] = [];
    const choices: Choice[] = [];
    const over: Choice[] = [];
    const irqs = this.irqFirstCpu ? new Set<string>() : null;
    let stepping = 0;
    for (const r of runnable) {
      if (dpor && r.kind === 'step') stepping |= 1 << r.cpu;
      if (irqs !== null && r.kind !== 'step') {
        // --irq-cpu first: an interrupt only on the first CPU (in id order) that accepts it
        const irq = irqOfChoice(r.id);
        if (irqs.has(irq)) continue;
        irqs.add(irq);
      }
      const c = lastCanStep && !(r.kind === 'step' && r.cpu === lastCpu) ? 1 : 0;
      const choice: Choice = { id: r.id, cpu: r.cpu, irq: r.kind !== 'step', cost: c, fp: null, blocksCpu: false, conservative: false };
      if (cost + c > this.bound) {
        if (dpor) over.push(choice);
        continue;
      }
      if (dpor) avail.push(choice);
      if (sleep.some((s) => s.id === r.id)) continue;
      // the step that costs nothing first: the schedule without preemptions comes first
      if (c === 0) choices.unshift(choice);
      else choices.push(choice);
    }
    const taken = choices.shift();
    if (taken === undefined) {
      this.overBound = over;
      throw new Pruned();
    }
    // DPOR: avail keeps the choices as they were offered (the one taken is a copy), and the other choices come only
    // from the races a run shows (DporRaces, exploreDpor.ts), except the same interrupt delivered on another CPU: one thread's
    // other next steps, which no race can tell apart (dporAlternatives)
    const first = dpor ? { ...taken } : taken;
    const todo = dpor ? (first.irq ? dporAlternatives(choices, first.id) : []) : choices;
    path.push({ firstId: first.id, lastCanStep, cost, sleep, avail, stepping, over: over.length === 0 ? NO_IDS : over.map((o) => o.id), cur: first, todo, done: [] });
    return runnable.findIndex((r) => r.id === first.id);
  }
}

const NO_IDS: readonly string[] = [];

function canStep(runnable: readonly Runnable[], cpu: number): boolean {
  for (const r of runnable) if (r.kind === 'step' && r.cpu === cpu) return true;
  return false;
}

/** The sleep set after the parent's current choice: what stays asleep, and the explored siblings that may sleep. */
function childSleep(parent: Node): Sleeper[] {
  const b = parent.cur;
  const out: Sleeper[] = [];
  if (b.fp === null) return out;
  for (const s of parent.sleep) if (independent(s.fp, b.fp)) out.push(s);
  for (const a of parent.done) {
    if (a.fp === null || a.conservative) continue;
    const free = (parent.lastCanStep && a.cost === 0) || (a.blocksCpu && a.cost <= b.cost);
    if (free && independent(a.fp, b.fp)) out.push({ id: a.id, fp: a.fp });
  }
  return out;
}

/** The next schedule to run: the deepest decision with a choice left; false when the bound is exhausted. */
export function backtrack(path: Node[]): boolean {
  while (path.length > 0) {
    const node = path[path.length - 1]!;
    node.done.push(node.cur);
    const next = node.todo.shift();
    if (next !== undefined) {
      node.cur = next;
      return true;
    }
    path.pop();
  }
  return false;
}

/** The interrupt a delivery choice delivers (its id without the CPU it lands on). */
export const irqOfChoice = (id: string): string => id.slice(0, id.lastIndexOf('@'));

/**
 * DPOR: the choices among `choices` that deliver the same interrupt as `id` on another CPU (copies). A thread's next
 * step is one transition in DPOR's model; an interrupt's is one per CPU that accepts it, so when one is tried, so are
 * the others (they touch the interrupt's key, but only one can run, so no run shows them racing).
 */
export function dporAlternatives(choices: readonly Choice[], id: string): Choice[] {
  const irq = irqOfChoice(id);
  const out: Choice[] = [];
  for (const c of choices) if (c.irq && c.id !== id && irqOfChoice(c.id) === irq) out.push({ ...c, conservative: false });
  return out;
}
