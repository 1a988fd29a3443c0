// The simulated machine: the public face of one run (spawn tasks, raise interrupts, create primitives, run).
import type { ActorRef, ContextKind, CpuId, IrqOptions, LogEntry, MachineOptions, SchedPoint, SimObserver, SpinLockOptions, Task } from './types.ts';
import { Engine } from './engine.ts';
import { Footprint, GLOBAL, lockKey, objectKey } from './footprint.ts';
import { SimFailure, type FailureDetails } from './failure.ts';
import { addPending, collectRunnables, pendingKey, workRemains } from './runnables.ts';
import { cpuReports, reportDeadlock } from './report.ts';
import { stepOnce } from './step.ts';
import { RoundRobinScheduler } from './sched/round-robin.ts';
import { formatWhere } from './report.ts';
import type { LockRec, LockKind, RunnableRec, TaskHandleRec } from './state.ts';
import type { AtomicHandle, BitLock, KObj, LocalLock, Mutex, RefcountHandle, SpinLock } from './handles.ts';

export type RunResult = { ok: true; steps: number } | { ok: false; steps: number; failure: SimFailure };
export type TaskHandle = Readonly<TaskHandleRec>;

export class Machine {
  /** Internal state, for the primitives of impl/sim only. */
  readonly engine: Engine;
  private ran = false;
  private readonly fairSteps: number;
  /** The step at which the run switched to a fair schedule after reaching the step limit, or -1. */
  fairFrom = -1;
  private readonly buf: RunnableRec[] = [];
  private fair: RoundRobinScheduler | null = null;

  constructor(opts: MachineOptions) {
    const cpus = opts.cpus ?? 2;
    if (!Number.isInteger(cpus) || cpus < 1) throw new Error(`sim: cpus must be a positive integer, got ${cpus}`);
    this.engine = new Engine(this, cpus, opts.scheduler, opts.lockdep ?? true, opts.stepLimit ?? 20_000);
    this.engine.failslab = new Set(opts.failslab ?? []);
    this.fairSteps = opts.fairSteps ?? 0;
    this.engine.keepLog = opts.log ?? true;
  }

  get log(): readonly LogEntry[] {
    return this.engine.log;
  }

  get schedule(): readonly string[] {
    return this.engine.schedule;
  }

  get cpus(): number {
    return this.engine.cpus.length;
  }

  /** Queues a task on a CPU; tasks of one CPU run one after another (the next one when the running one sleeps). */
  spawn<T>(cpu: CpuId, name: string, fn: (m: Machine) => Task<T>): TaskHandle {
    const c = this.engine.cpus[cpu];
    if (c === undefined) throw new Error(`sim: no CPU#${cpu}`);
    if (!c.online) throw new Error(`sim: CPU#${cpu} is offline`);
    this.engine.touch(GLOBAL);
    const t = this.engine.newTask(name, cpu, false, fn);
    c.tasks.push(t);
    return t.handle;
  }

  /** Runs to quiescence or the first failure; kernel bugs come back as data, never as a throw. */
  run(): RunResult {
    if (this.ran) throw new Error('sim: a Machine runs once');
    this.ran = true;
    const e = this.engine;
    try {
      for (;;) {
        collectRunnables(e, this.buf);
        if (this.buf.length === 0) {
          if (workRemains(e)) reportDeadlock(e);
          return { ok: true, steps: e.step };
        }
        if (e.step >= e.stepLimit) {
          if (this.fairFrom >= 0 || this.fairSteps <= 0) {
            e.fail(
              'step-limit',
              this.fairFrom >= 0
                ? `livelock: no quiescence in ${this.fairFrom} steps, nor in ${this.fairSteps} more steps of a fair round-robin schedule`
                : `livelock or step limit: ${e.stepLimit} steps without quiescence`,
            );
          }
          // the schedule may have starved a CPU the others wait for: go on fairly before calling it a livelock
          this.fairFrom = e.step;
          e.stepLimit += this.fairSteps;
          this.fair = new RoundRobinScheduler();
        }
        const last = e.schedule.length > 0 ? e.schedule[e.schedule.length - 1]! : null;
        const i = this.fair ? this.fair.next(this.buf, last) : e.scheduler.next(this.buf, last, e.step);
        const r = this.buf[i];
        if (r === undefined) throw new Error(`sim: scheduler '${e.scheduler.name}' chose ${i} of ${this.buf.length} runnables`);
        e.schedule.push(r.id);
        if (e.recordFootprints) e.fp = e.step >= e.replayedSteps ? new Footprint(r.cpu) : null;
        try {
          stepOnce(e, r);
        } catch (err) {
          if (err instanceof SimFailure) throw err;
          const msg = err instanceof Error ? err.message : String(err);
          e.fail('exception', msg, { lines: err instanceof Error && err.stack !== undefined ? err.stack.split('\n').slice(1, 8) : [] });
        }
        if (e.failure !== null) throw e.failure;
        if (this.history !== null) this.history.push(e.fp!);
        e.step++;
      }
    } catch (err) {
      if (!(err instanceof SimFailure)) throw err;
      const f = e.failure ?? err;
      if (f.cpus.length === 0) f.cpus = cpuReports(e);
      if (f.step < 0) f.step = e.step;
      return { ok: false, steps: e.schedule.length, failure: f };
    } finally {
      e.curCpu = null;
      e.curCtx = null;
      // what runs after the last step (the quiescence check's reads of the final state, which equivalent schedules
      // share) is no step's: the last footprint is closed
      this.finalFootprint = e.fp;
      e.fp = null;
    }
  }
  private finalFootprint: Footprint | null = null;

  cpu(): CpuId {
    return this.engine.cpu().id;
  }

  context(): ContextKind {
    return this.engine.ctx().kind;
  }

  currentTaskName(): string {
    return this.engine.ctx().name;
  }

  /** A bare scheduling point; `what` also becomes the context's caller label for held-lock reports. */
  *point(what: string): Task {
    yield this.engine.point(what);
    this.engine.ctx().label = what;
  }

  /**
   * A bare point whose racy access is to a named piece of shared state (touchShared) that every writer records too,
   * or to state of a lock's object that every access records (touchGuarded: a folio's refcount and flags): its step
   * depends on those accesses rather than on everything.
   */
  *pointShared(what: string, name: string | { readonly id: number }): Task {
    const e = this.engine;
    yield e.point(what, null, e.keyOf(name));
    e.ctx().label = what;
  }

  /**
   * Explore: record what each step touches (lastFootprint), for the dependency relation of footprint.ts; with
   * `history`, every step's footprint is also appended to it.
   */
  recordFootprints(history?: Footprint[]): void {
    this.engine.recordFootprints = true;
    if (history !== undefined) this.history = history;
  }
  private history: Footprint[] | null = null;

  /**
   * Explore: the steps before `steps` replay an earlier run's (same choices, same start), whose footprints the caller
   * kept, so none is built for them (they run as before); `names` numbers shared names across the runs, so the kept
   * keys and the new ones agree whichever step first uses a name.
   */
  replayedPrefix(steps: number, names: Map<string, number>): void {
    if (this.history !== null && steps > 0) throw new Error('sim: a footprint history needs every step\'s footprint (no replayed prefix)');
    this.engine.replayedSteps = steps;
    this.engine.sharedIds = names;
  }

  /** Whether footprints are recorded (a caller may skip naming what nobody records). */
  get recordingFootprints(): boolean {
    return this.engine.recordFootprints;
  }

  /** The footprint of the step run last (null unless recordFootprints was called). */
  get lastFootprint(): Footprint | null {
    return this.engine.fp ?? this.finalFootprint;
  }

  /**
   * (plain) The current step touched a named piece of shared state (a swap slot): a footprint key for explore; or, as
   * an 'update', changed only its own part of a summary others read whole (Footprint.updates: updates commute).
   */
  touchShared(name: string, how: 'touch' | 'update' = 'touch'): void {
    const e = this.engine;
    if (e.fp !== null) (how === 'update' ? e.fp.addUpdate(e.sharedKey(name)) : e.fp.add(e.sharedKey(name)));
  }

  /**
   * (plain) The current step touches state guarded by this lock's object without holding the lock: what the kernel
   * keeps in atomics and flag bits and the port in plain fields (a folio's refcount and flags). A footprint key.
   */
  touchGuarded(l: { readonly id: number }): void {
    const e = this.engine;
    if (e.fp !== null) e.fp.add(lockKey(l.id));
  }

  /** Whether the log is kept: a caller may skip building a note nobody will read. */
  get tracing(): boolean {
    return this.engine.keepLog;
  }

  /** Annotates the current step in the log. */
  trace(text: string): void {
    if (!this.engine.keepLog) return;
    const last = this.engine.log[this.engine.log.length - 1];
    if (last !== undefined) last.notes = [...last.notes, text];
  }

  /** Reports a bug found by the code under test; never returns. */
  fail(kind: string, message: string, details?: FailureDetails): never {
    return this.engine.fail(kind, message, details);
  }

  /** What lockdep has learnt so far: lock classes and dependencies between them (0 with lockdep off). */
  lockdepGraph(): { classes: number; dependencies: number } {
    const l = this.engine.lockdep;
    if (l === null) return { classes: 0, dependencies: 0 };
    return { classes: l.classes.size, dependencies: l.classes.edgeCount() };
  }

  /** Watches the run (race coverage); null turns it off. It must not change anything. */
  setObserver(o: SimObserver | null): void {
    this.engine.observer = o;
  }

  /**
   * The running context enters a kernel function (plain; instrumentation for observers, no scheduling point). Only
   * the outermost call counts: it gets a new call id, and nested ones are tracked for balance only.
   */
  enterFn(name: string): void {
    const e = this.engine;
    const ctx = e.ctx();
    if (ctx.fn.push(name) === 1 && ctx.kind === 'task') {
      ctx.call = e.nextCall++;
      const a = e.actorOf(ctx);
      if (a !== null) e.observer?.enter?.(a);
    }
  }

  /** Leaves the function entered last. */
  leaveFn(): void {
    const e = this.engine;
    const ctx = e.ctx();
    const a = ctx.fn.length === 1 && ctx.kind === 'task' ? e.actorOf(ctx) : null;
    if (ctx.fn.pop() === undefined) throw new Error(`sim: leaveFn in '${ctx.name}' without enterFn`);
    if (a !== null) e.observer?.leave?.(a);
  }

  /** The running context as an observer sees it (null outside any function, or outside the run). */
  currentActor(): ActorRef | null {
    const ctx = this.engine.curCtx;
    return ctx === null ? null : this.engine.actorOf(ctx);
  }

  /**
   * Checks run at every spinlock release (in the releasing step): `check` returns the problems with what the lock
   * protects, and any problem fails the run with kind 'invariant'. null turns it off.
   */
  setReleaseCheck(check: ((lockId: number, name: string) => readonly string[] | null) | null): void {
    this.engine.releaseCheck = check;
  }

  /** Takes a CPU out of scheduling (once it has nothing left to run), or brings it back. */
  setOnline(cpu: CpuId, online: boolean): void {
    const c = this.engine.cpus[cpu];
    if (c === undefined) throw new Error(`sim: no CPU#${cpu}`);
    this.engine.touch(GLOBAL);
    c.offlinePending = !online;
    if (online) c.online = true;
  }

  isOnline(cpu: CpuId): boolean {
    return this.engine.cpus[cpu]?.online ?? false;
  }

  private newLock(name: string, kind: LockKind, subclass: number): LockRec {
    // ids are handed out in order: which step creates first matters to the steps that create locks, and to no other
    if (this.engine.fp !== null) this.engine.touch(this.engine.sharedKey('lock ids'));
    const l: LockRec = {
      id: this.engine.locks.length,
      name,
      kind,
      classBySubclass: [],
      subclass,
      ownerCpu: -1,
      ownerTask: null,
      ownerCtx: null,
      locked: false,
      where: null,
    };
    this.engine.locks.push(l);
    return l;
  }

  spinlock(name: string, opts: SpinLockOptions = {}): SpinLock {
    return { id: this.newLock(name, opts.raw === true ? 'raw' : 'spin', opts.subclass ?? 0).id, name } as SpinLock;
  }

  /** A per-CPU lock: one instance per CPU, one lock class. */
  localLock(name: string): LocalLock {
    const perCpu = this.engine.cpus.map(() => this.newLock(name, 'local', 0));
    this.engine.localLocks.push({ name, perCpu });
    return { id: this.engine.localLocks.length - 1, name } as LocalLock;
  }

  mutex(name: string): Mutex {
    return { id: this.newLock(name, 'mutex', 0).id, name } as Mutex;
  }

  bitLock(name: string): BitLock {
    return { id: this.newLock(name, 'bit', 0).id, name } as BitLock;
  }

  atomic(name: string, initial = 0): AtomicHandle {
    this.engine.touch(GLOBAL);
    this.engine.atomics.push({ name, value: initial });
    return { id: this.engine.atomics.length - 1, name } as AtomicHandle;
  }

  refcount(name: string, initial = 1): RefcountHandle {
    this.engine.touch(GLOBAL);
    this.engine.refcounts.push({ name, value: initial });
    return { id: this.engine.refcounts.length - 1, name } as RefcountHandle;
  }

  /** KASAN's check on a dereference: the object must not have been freed. */
  access(h: KObj, what: string): void {
    const o = this.engine.objects[h.id];
    if (o === undefined) throw new Error(`sim: unknown object ${h.id}`);
    this.engine.touch(objectKey(h.id));
    if (o.freed === null) return;
    const by = formatWhere(o.freed);
    if (o.freedByRcu !== null) {
      this.engine.fail('rcu-use-after-free', `${what}: '${o.what}' read after it was freed by RCU callback '${o.freedByRcu}'`, {
        lines: [`Freed by ${by}`, 'the reader did not hold rcu_read_lock() across its use, or found the object after it was unpublished'],
      });
    }
    this.engine.fail('use-after-free', `${what}: '${o.what}' read after it was freed`, {
      lines: [`Freed by ${by}`, 'the free did not wait for readers (no RCU grace period)'],
    });
  }

  /** Objects allocated and not yet freed (the allocator shim's count). */
  liveObjects(): number {
    return this.engine.liveObjects;
  }

  /** Queues a hardirq, delivered at a scheduling point on a CPU whose interrupts are enabled. */
  raise_irq(name: string, fn: (m: Machine) => Task<unknown>, opts: IrqOptions = {}): void {
    this.raise('hardirq', name, fn, opts);
  }

  /** Queues a softirq, delivered like a hardirq but only outside interrupt context. */
  raise_softirq(name: string, fn: (m: Machine) => Task<unknown>, opts: IrqOptions = {}): void {
    this.raise('softirq', name, fn, opts);
  }

  private raise(kind: 'hardirq' | 'softirq', name: string, fn: (m: Machine) => Task<unknown>, opts: IrqOptions): void {
    const e = this.engine;
    if (opts.cpu !== undefined && e.cpus[opts.cpu] === undefined) throw new Error(`sim: no CPU#${opts.cpu}`);
    e.touch(GLOBAL);
    const seq = e.irqSeq++;
    addPending(e, { seq, name, key: pendingKey(kind, name, seq), kind, fn, target: opts.cpu ?? null, rcu: null, runnables: [], after: [e.step] });
  }
}

export type { SchedPoint };
