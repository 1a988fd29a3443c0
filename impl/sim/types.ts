// Public types of the simulated machine (see API.md).

/** A scheduling point: the place where a task lets the scheduler run something else. */
export interface SchedPoint {
  readonly what: string;
}

/** A kernel path: a generator yielding at every scheduling point. */
export type Task<T = void> = Generator<SchedPoint, T, void>;

export type CpuId = number;
export type ContextKind = 'task' | 'softirq' | 'hardirq';
export type Gfp = 'GFP_KERNEL' | 'GFP_ATOMIC' | 'GFP_NOWAIT';
/** Saved interrupt state, as returned by local_irq_save / spin_lock_irqsave. */
export type IrqFlags = boolean;

export interface Runnable {
  readonly id: string;
  readonly cpu: CpuId;
  readonly kind: 'step' | 'hardirq' | 'softirq';
  /**
   * For a CPU's step: how many times code on this CPU has slept in schedule_timeout (a retry loop waiting for
   * another CPU). A priority scheduler lowers a thread that yields, so that the one it waits for can run.
   */
  readonly yields?: number;
}

/** Who is doing something, for observers: a context, the function it is in (outermost), and that call's id. */
export interface ActorRef {
  /** The context (unique per task or interrupt delivery). */
  readonly actor: number;
  /** The outermost function entered with Machine.enterFn; an interrupt's handler name; 'rcu_callback'. */
  readonly fn: string;
  /** Unique per function call (a new enterFn gives a new one). */
  readonly call: number;
}

/**
 * Watches the run without changing it (race coverage): function entries and exits, lock acquisitions, and a
 * waiter finding a lock held. Contexts outside any function (world code between ops) are not reported.
 */
export interface SimObserver {
  enter?(a: ActorRef): void;
  leave?(a: ActorRef): void;
  /**
   * A lock is taken. `irqOff`: the acquisition disabled IRQs; `held`: the lock names this context holds already,
   * outermost first, built only for an observer that sets `wantsHeld` (empty otherwise: it costs at every lock).
   */
  acquired?(a: ActorRef, lockId: number, lock: string, irqOff: boolean, held: readonly string[]): void;
  readonly wantsHeld?: boolean;
  contended?(waiter: ActorRef, holder: ActorRef | null, lockId: number, lock: string): void;
}

export interface Scheduler {
  readonly name: string;
  /**
   * Index into `runnable` (non-empty, sorted by id). `current` is the id stepped last, or null.
   * The engine reuses the `runnable` array between steps: a scheduler must not keep it.
   */
  next(runnable: readonly Runnable[], current: string | null, step: number): number;
}

export interface LogEntry {
  readonly step: number;
  readonly cpu: CpuId;
  readonly ctx: ContextKind;
  readonly task: string;
  readonly what: string;
  readonly notes: readonly string[];
}

export interface MachineOptions {
  /** Number of CPUs (default 2). */
  readonly cpus?: number;
  readonly scheduler: Scheduler;
  /** Lockdep: lock-class order graph, recursion and irq-usage checks (default true). */
  readonly lockdep?: boolean;
  /** The run ends with failure kind 'step-limit' after this many steps (default 20000)... */
  readonly stepLimit?: number;
  /**
   * ...unless it reaches quiescence (or another failure) when continued for this many more steps under a fair
   * round-robin schedule: a schedule that starved a CPU for ever is not a livelock of the code (default 0: none).
   */
  readonly fairSteps?: number;
  /**
   * failslab: the allocations that fail, by their 1-based rank among the allocations that may fail (GFP_ATOMIC and
   * GFP_NOWAIT; GFP_KERNEL allocations are too small to fail, as with failslab's ignore-gfp-wait). Default none.
   */
  readonly failslab?: readonly number[];
  /**
   * Keep the step log (m.log, with m.trace's notes; default true). Off, no log record or note is made: a run that
   * nobody will read step by step (a hunt's executions, explore's schedules) saves their allocation.
   */
  readonly log?: boolean;
}

export interface SpinLockOptions {
  readonly raw?: boolean;
  readonly subclass?: number;
}

export interface IrqOptions {
  readonly cpu?: CpuId;
}
