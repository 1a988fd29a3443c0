// The execution state of one run: CPUs, the primitive table, RCU readers, pending interrupts, the log.
import type { ActorRef, ContextKind, CpuId, Scheduler, SimObserver, Task } from './types.ts';
import type { Machine } from './machine.ts';
import { SimFailure, type FailureDetails } from './failure.ts';
import { Lockdep } from './lockdep/lockdep.ts';
import { GLOBAL, GRACE_PERIOD, lockKey, sharedKey, type Footprint } from './footprint.ts';
import {
  PointRec,
  RunnableRec,
  type CpuState,
  type Ctx,
  type LockRec,
  type ObjRec,
  type PendingIrq,
  type RcuCallback,
  type TaskRec,
  type Wait,
  type Where,
} from './state.ts';

/** Log entry; `notes` is replaced (never mutated in place) when the step is annotated. */
export class LogRec {
  notes: readonly string[] = NO_NOTES;
  constructor(
    readonly step: number,
    readonly cpu: CpuId,
    readonly ctx: ContextKind,
    readonly task: string,
    readonly what: string,
  ) {}
}
const NO_NOTES: readonly string[] = Object.freeze([]);
const NOTHING_HELD: readonly string[] = Object.freeze([]);

export class Engine {
  readonly cpus: CpuState[] = [];
  /** CPUs in the order of their runnable ids ('cpu10' sorts before 'cpu2'). */
  readonly cpusById: CpuState[];
  readonly lockdep: Lockdep | null;
  readonly locks: LockRec[] = [];
  readonly objects: ObjRec[] = [];
  readonly atomics: { readonly name: string; value: number }[] = [];
  readonly refcounts: { readonly name: string; value: number }[] = [];
  readonly localLocks: { readonly name: string; readonly perCpu: LockRec[] }[] = [];
  readonly pending: PendingIrq[] = [];
  readonly rcuWaiting: RcuCallback[] = [];
  /** Ids of active RCU read-side sections, ascending. */
  readonly activeReaders: number[] = [];
  readonly log: LogRec[] = [];
  readonly schedule: string[] = [];
  nextReaderId = 1;
  irqSeq = 0;
  /** The targets of the synchronize_rcu calls waiting (rcu.ts). */
  readonly syncTargets: number[] = [];
  /** Explore: per RCU queue (rcuQueueKey), the step that delivered its last callback. */
  readonly rcuQueueLast = new Map<number, number>();
  ctxSerial = 0;
  taskSeq = 0;
  step = 0;
  /**
   * The last step each CPU made outside a retry loop. A schedule_timeout sleeper wakes once another CPU has made such
   * a step after it slept (or when nothing else can run).
   */
  readonly lastStepOn: number[] = [];
  /** Set for one pass when nothing is runnable but a schedule_timeout sleeper exists: its timer fires. */
  timersFire = false;
  curCpu: CpuState | null = null;
  curCtx: Ctx | null = null;
  failure: SimFailure | null = null;
  liveObjects = 0;
  /**
   * Called when a spinlock is released, still in the releasing step: the problems with what the lock protects
   * (the invariants that must hold whenever it is free), or null. Set by the oracle (Machine.setReleaseCheck).
   */
  releaseCheck: ((lockId: number, name: string) => readonly string[] | null) | null = null;
  /** Race coverage and other watchers (Machine.setObserver). */
  observer: SimObserver | null = null;
  nextCall = 1;
  /** failslab: ranks of the may-fail allocations that fail; `mayFail` counts those made so far. */
  failslab: ReadonlySet<number> = new Set();
  mayFail = 0;
  /** Keep the step log (MachineOptions.log). */
  keepLog = true;
  /** Explore: record each step's footprint (Machine.recordFootprints). */
  recordFootprints = false;
  /** The footprint of the step running or run last, while recording; null otherwise. */
  fp: Footprint | null = null;
  /**
   * Explore: the steps before this one replay an earlier run's (Machine.replayedPrefix): their footprints are known,
   * so none is built for them.
   */
  replayedSteps = 0;
  /** The numbers of named shared state (sharedKey): per run, or one map across an explore's runs. */
  sharedIds = new Map<string, number>();

  constructor(
    readonly m: Machine,
    ncpus: number,
    readonly scheduler: Scheduler,
    lockdep: boolean,
    public stepLimit: number,
  ) {
    for (let id = 0; id < ncpus; id++) {
      const idle = this.newTask(`swapper/${id}`, id, true, null);
      this.cpus.push({
        id,
        online: true,
        offlinePending: false,
        stack: [idle.ctx],
        idle,
        current: idle,
        tasks: [],
        irqsOn: true,
        preempt: 0,
        preemptReader: 0,
        stepRunnable: new RunnableRec(`cpu${id}`, id, 'step', null),
      });
    }
    this.cpusById = [...this.cpus].sort((a, b) => (a.stepRunnable.id < b.stepRunnable.id ? -1 : 1));
    this.lockdep = lockdep ? new Lockdep(this) : null;
  }

  newCtx(kind: ContextKind, name: string, task: TaskRec | null, factory: ((m: Machine) => Task<unknown>) | null, irqSeq = -1): Ctx {
    return {
      serial: this.ctxSerial++,
      kind,
      name,
      task: task as TaskRec, // a task's own context is patched right after creation
      factory,
      gen: null,
      point: null,
      label: null,
      rcuDepth: 0,
      readerId: 0,
      atomic: [],
      savedIrqsOn: true,
      savedPreempt: 0,
      irqSeq,
      rcuWhat: null,
      retrying: false,
      fn: [],
      // an interrupt is one call of its handler
      call: kind === 'task' ? 0 : this.nextCall++,
    };
  }

  /** The actor a context is, for the observer; null outside any function. */
  actorOf(ctx: Ctx): ActorRef | null {
    if (ctx.kind !== 'task') {
      return { actor: ctx.serial, fn: ctx.rcuWhat !== null ? 'rcu_callback' : ctx.name.split(' ')[0]!, call: ctx.call };
    }
    const fn = ctx.fn[0];
    return fn === undefined ? null : { actor: ctx.serial, fn, call: ctx.call };
  }

  /** A lock is being taken (observer hook, before it joins the held locks). */
  noteAcquired(l: LockRec, irqOff: boolean): void {
    const o = this.observer;
    if (o?.acquired === undefined) return;
    const ctx = this.ctx();
    const a = this.actorOf(ctx);
    if (a !== null) o.acquired(a, l.id, l.name, irqOff, o.wantsHeld ? ctx.task.held.filter((h) => h.ctx === ctx).map((h) => h.lock.name) : NOTHING_HELD);
  }

  /** A waiter found a lock held (observer hook; once per attempt). */
  noteContended(l: LockRec): void {
    const o = this.observer;
    if (o?.contended === undefined) return;
    const a = this.actorOf(this.ctx());
    if (a !== null) o.contended(a, l.ownerCtx ? this.actorOf(l.ownerCtx) : null, l.id, l.name);
  }

  newTask(name: string, cpu: CpuId, idle: boolean, factory: ((m: Machine) => Task<unknown>) | null): TaskRec {
    const ctx = this.newCtx('task', name, null, factory);
    const t: TaskRec = { id: this.taskSeq++, name, cpu, idle, ctx, held: [], handle: { name, cpu, done: false, result: undefined } };
    ctx.task = t;
    return t;
  }

  /** A scheduling point; `key` is what the step resuming from it touches (footprint.ts), GLOBAL unless said. */
  point(what: string, wait: Wait | null = null, key = GLOBAL): PointRec {
    return new PointRec(what, wait, key);
  }

  /** Records that the current step touched `key` (only while footprints are recorded). */
  touch(key: number): void {
    if (this.fp !== null) this.fp.add(key);
  }

  /**
   * The footprint key a point or wait names: a named piece of shared state (touchShared), or a lock's object whose
   * every access records it (touchGuarded); GLOBAL while footprints are not recorded (no names are numbered then).
   */
  keyOf(name: string | { readonly id: number }): number {
    if (!this.recordFootprints) return GLOBAL;
    return typeof name === 'string' ? this.sharedKey(name) : lockKey(name.id);
  }

  /** The key of a named piece of shared state (numbered in order of first use, per run). */
  sharedKey(name: string): number {
    let id = this.sharedIds.get(name);
    if (id === undefined) {
      id = this.sharedIds.size;
      this.sharedIds.set(name, id);
    }
    return sharedKey(id);
  }

  cpu(): CpuState {
    if (this.curCpu === null) throw new Error('sim: not inside a running task');
    return this.curCpu;
  }

  ctx(): Ctx {
    if (this.curCtx === null) throw new Error('sim: not inside a running task');
    return this.curCtx;
  }

  where(): Where {
    const ctx = this.curCtx;
    if (ctx === null) return { task: '(outside the machine)', cpu: -1, ctx: 'task', step: this.step, what: '-', label: null };
    return {
      task: ctx.name,
      cpu: this.curCpu!.id,
      ctx: ctx.kind,
      step: this.step,
      what: ctx.point?.what ?? 'start',
      label: ctx.label,
    };
  }

  /** Reports a bug and ends the run (the run loop turns the throw into the result). */
  fail(kind: string, message: string, details?: FailureDetails): never {
    const f = new SimFailure(kind, message, details);
    f.step = this.step;
    if (this.curCpu !== null && this.curCtx !== null) {
      f.origin = `CPU#${this.curCpu.id} ${this.curCtx.kind} '${this.curCtx.name}'`;
    }
    if (this.failure === null) this.failure = f;
    throw f;
  }

  /** Why sleeping is forbidden here, or null (the checks of __might_sleep). */
  atomicReason(): string | null {
    const ctx = this.ctx();
    const cpu = this.cpu();
    if (ctx.kind !== 'task') return `in ${ctx.kind} context`;
    if (!cpu.irqsOn) return 'interrupts disabled';
    if (cpu.preempt > 0) {
      const spin = ctx.task.held.filter((h) => h.lock.kind !== 'mutex').map((h) => `'${h.lock.name}'`);
      return spin.length > 0 ? `spinlock held (${spin.join(', ')})` : `preemption disabled (preempt_count ${cpu.preempt})`;
    }
    if (ctx.rcuDepth > 0) return 'inside an RCU read-side critical section';
    if (ctx.atomic.length > 0) return `in atomic section (${ctx.atomic.join(', ')})`;
    return null;
  }

  /** Models __might_sleep(): sleeping where it is forbidden is a bug even if this call would not block. */
  mightSleep(what: string): void {
    const why = this.atomicReason();
    if (why === null) return;
    const cpu = this.cpu();
    const ctx = this.ctx();
    this.fail('sleep-in-atomic', `${what}: sleeping function called ${why}`, {
      lines: [
        `in_atomic(): ${cpu.preempt > 0 || ctx.kind !== 'task' ? 1 : 0}, irqs_disabled(): ${cpu.irqsOn ? 0 : 1}, ` +
          `rcu_read_lock depth: ${ctx.rcuDepth}, name: ${ctx.name}`,
        `preempt_count: ${cpu.preempt}`,
      ],
    });
  }

  /**
   * preempt_count++. A preempt-disabled region (spinlock held, local_lock, preempt_disable) is an RCU read-side
   * critical section: since the flavours were consolidated (v4.20), synchronize_rcu and call_rcu wait for it too.
   */
  preemptDisable(cpu: CpuState): void {
    if (cpu.preempt++ === 0) cpu.preemptReader = this.readerBegin();
  }

  /** preempt_count--; the region's RCU reader ends with it. */
  preemptEnable(cpu: CpuState): void {
    if (--cpu.preempt === 0) {
      this.readerEnd(cpu.preemptReader);
      cpu.preemptReader = 0;
    }
  }

  /** An RCU reader enters its section (rcu_read_lock, or a preempt-disabled region): its number, for readerEnd. */
  readerBegin(): number {
    const id = this.nextReaderId++;
    this.activeReaders.push(id);
    if (this.fp !== null) this.fp.add(this.readersKey(this.cpu().id));
    return id;
  }

  readerEnd(id: number): void {
    this.activeReaders.splice(this.activeReaders.indexOf(id), 1);
    if (this.fp !== null) {
      this.fp.add(this.readersKey(this.cpu().id));
      // a reader that a synchronize_rcu in progress waits for: this step may end its grace period
      for (const t of this.syncTargets) {
        if (id < t) {
          this.fp.add(this.sharedKey(GRACE_PERIOD));
          break;
        }
      }
    }
  }

  /**
   * The footprint key of the RCU readers on one CPU: a step that begins or ends one records it, and so does a step
   * that takes a grace period's start (call_rcu, kfree_rcu, synchronize_rcu), for every CPU (footprint.ts).
   */
  readersKey(cpu: number): number {
    return (this.readerKeys[cpu] ??= this.sharedKey(`RCU readers on CPU${cpu}`));
  }
  private readonly readerKeys: number[] = [];

  /** A grace period starts here (its target is taken): the step depends on every CPU's reader begins and ends. */
  touchAllReaders(): void {
    if (this.fp === null) return;
    for (const c of this.cpusById) this.fp.add(this.readersKey(c.id));
  }

  /** No reader that was active when `target` was taken is still inside its section. */
  gpDone(target: number): boolean {
    const first = this.activeReaders[0];
    return first === undefined || first >= target;
  }

  /** A context can be resumed: it has not started, yielded a plain point, or what it waits for is there. */
  ready(ctx: Ctx): boolean {
    const w = ctx.point?.wait;
    if (w === undefined || w === null) return true;
    switch (w.kind) {
      case 'spin':
      case 'mutex':
      case 'bit':
        return !w.lock.locked;
      case 'rcu':
        return this.gpDone(w.target);
      case 'event': {
        // (asked between steps: what the condition reads is not the last step's footprint)
        const fp = this.fp;
        this.fp = null;
        try {
          return w.cond();
        } finally {
          this.fp = fp;
        }
      }
      case 'timeout':
        if (this.timersFire) w.fired = true;
        if (w.fired) return true;
        for (let c = 0; c < this.lastStepOn.length; c++) if (c !== w.cpu && this.lastStepOn[c]! > w.since) return true;
        return false;
    }
  }

  /** Whether a yielded point makes the task sleep (so the CPU may run another task). */
  static sleeps(wait: Wait | null | undefined): boolean {
    return wait !== null && wait !== undefined && wait.kind !== 'spin';
  }
}
