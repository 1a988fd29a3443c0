// The machine's table: every piece of primitive state lives here; user-visible handles only carry ids.
import type { ContextKind, CpuId, Runnable, Task } from './types.ts';
import type { Machine } from './machine.ts';

/** Where something happened: kept on held locks, lockdep edges, frees. */
export interface Where {
  readonly task: string;
  readonly cpu: CpuId;
  readonly ctx: ContextKind;
  readonly step: number;
  /** The `what` of the scheduling point the step resumed from. */
  readonly what: string;
  /** The last caller label (`m.point(what)`) of that context, if any. */
  readonly label: string | null;
}

export type LockKind = 'spin' | 'raw' | 'mutex' | 'local' | 'bit';

export interface LockRec {
  readonly id: number;
  readonly name: string;
  readonly kind: LockKind;
  /** Lockdep class id per subclass (filled lazily), -1 for bit locks. */
  readonly classBySubclass: number[];
  readonly subclass: number;
  /** The CPU whose context holds it (spin/raw/local), or -1. */
  ownerCpu: number;
  /** The holding task (mutex, spin), or null. */
  ownerTask: TaskRec | null;
  ownerCtx: Ctx | null;
  locked: boolean;
  where: Where | null;
}

export interface Held {
  readonly lock: LockRec;
  readonly classId: number;
  readonly ctx: Ctx;
  readonly trylock: boolean;
  readonly where: Where;
}

export interface Ctx {
  readonly serial: number;
  readonly kind: ContextKind;
  readonly name: string;
  /** The task whose held-lock stack this context uses (interrupts use the interrupted task's). */
  task: TaskRec;
  factory: ((m: Machine) => Task<unknown>) | null;
  gen: Task<unknown> | null;
  /** The point the context last yielded (what it will do when resumed), null before its first step. */
  point: PointRec | null;
  label: string | null;
  rcuDepth: number;
  readerId: number;
  atomic: string[];
  savedIrqsOn: boolean;
  savedPreempt: number;
  /** Interrupt record id (for the log), -1 for tasks. */
  readonly irqSeq: number;
  /** For an RCU callback: its `what` (frees inside it are RCU-deferred frees). */
  rcuWhat: string | null;
  /**
   * The context has slept in schedule_timeout: it is in a retry loop, so its steps do not count as the progress that
   * wakes other schedule_timeout sleepers (two retrying CPUs must not keep each other awake while the CPU that holds
   * what they wait for never runs, e.g. under PCT where it has the lowest priority).
   */
  retrying: boolean;
  /** Functions entered with Machine.enterFn (outermost first), and the outermost call's id (0: none). */
  readonly fn: string[];
  call: number;
}

export interface TaskRec {
  readonly id: number;
  readonly name: string;
  readonly cpu: CpuId;
  readonly idle: boolean;
  readonly ctx: Ctx;
  readonly held: Held[];
  readonly handle: TaskHandleRec;
}

export interface TaskHandleRec {
  readonly name: string;
  readonly cpu: CpuId;
  done: boolean;
  result: unknown;
}

/** What a yielded point waits for before the context can be resumed. */
export type Wait =
  | { readonly kind: 'spin'; readonly lock: LockRec }
  | { readonly kind: 'mutex'; readonly lock: LockRec }
  | { readonly kind: 'bit'; readonly lock: LockRec }
  /** `key`: the footprint key of the grace period's end (recorded by the reader ends it waits for). */
  | { readonly kind: 'rcu'; readonly target: number; readonly key: number }
  /** `key`: the footprint key every change of what `cond` reads records (GLOBAL when unknown). */
  | { readonly kind: 'event'; readonly what: string; readonly cond: () => boolean; readonly key: number }
  /** schedule_timeout: until another CPU stepped after `since` (or the timer fires: nothing else can run). */
  | { readonly kind: 'timeout'; readonly what: string; readonly since: number; readonly cpu: CpuId; fired: boolean };

export class PointRec {
  constructor(
    readonly what: string,
    readonly wait: Wait | null,
    /** The footprint key of what the step resuming here touches first (impl/sim/footprint.ts); GLOBAL by default. */
    readonly key: number,
  ) {}
}

export class RunnableRec implements Runnable {
  yields = 0;
  constructor(
    readonly id: string,
    readonly cpu: CpuId,
    readonly kind: 'step' | 'hardirq' | 'softirq',
    readonly irq: PendingIrq | null,
  ) {}
}

export interface PendingIrq {
  readonly seq: number;
  readonly name: string;
  /** Prefix of its runnable ids, the sort key of the pending list. */
  readonly key: string;
  readonly kind: 'hardirq' | 'softirq';
  readonly fn: (m: Machine) => Task<unknown>;
  readonly target: CpuId | null;
  /** For an RCU callback promoted to a softirq. */
  readonly rcu: RcuCallback | null;
  /** Runnable per CPU, made on first use. */
  readonly runnables: (RunnableRec | undefined)[];
  /** The steps (by number) its delivery can never come before: those that raised or queued it, ended its grace period. */
  readonly after: number[];
}

export interface CpuState {
  readonly id: CpuId;
  online: boolean;
  offlinePending: boolean;
  readonly stack: Ctx[];
  readonly idle: TaskRec;
  current: TaskRec;
  readonly tasks: TaskRec[];
  irqsOn: boolean;
  /** preempt_count; change it only through Engine.preemptDisable / preemptEnable. */
  preempt: number;
  /** The RCU reader id of the current preempt-disabled region (0 when preemptible). */
  preemptReader: number;
  readonly stepRunnable: RunnableRec;
}

export interface ObjRec {
  readonly id: number;
  readonly what: string;
  freed: Where | null;
  /** Set when the free ran inside an RCU callback: the callback's name. */
  freedByRcu: string | null;
}

export interface RcuCallback {
  readonly what: string;
  readonly fn: (m: Machine) => Task<unknown>;
  readonly cpu: CpuId;
  /** Runs once no reader with an id below this is active. */
  readonly target: number;
  readonly queued: Where;
  /** Queued by kfree_rcu (its own per-CPU queue) rather than call_rcu. */
  readonly kfree: boolean;
}
