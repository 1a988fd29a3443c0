// impl/sim: the deterministic simulated machine (CPUs, interrupts, locks, RCU, lockdep). See API.md.
export type { ActorRef, SchedPoint, SimObserver, Task, CpuId, ContextKind, Gfp, IrqFlags, Runnable, Scheduler, LogEntry, MachineOptions } from './types.ts';
export { Machine, type RunResult, type TaskHandle } from './machine.ts';
export { SimFailure, isSimFailure, type CpuReport, type HeldReport, type FailureDetails } from './failure.ts';
export type { SpinLock, LocalLock, Mutex, BitLock, AtomicHandle, RefcountHandle, KObj } from './handles.ts';
export * from './spinlock.ts';
export * from './sleeplock.ts';
export * from './irq.ts';
export * from './rcu.ts';
export * from './memory.ts';
export * from './atomic.ts';
export * from './refcount.ts';
export { ChoicesScheduler } from './sched/choices.ts';
export { RoundRobinScheduler } from './sched/round-robin.ts';
export { ToChoicesScheduler } from './sched/to-choices.ts';
export { PctScheduler, type PctOptions, type PctBound } from './sched/pct.ts';
export { ReplayScheduler } from './sched/replay.ts';
export { MetricsScheduler } from './sched/metrics.ts';
export { Prng } from './sched/prng.ts';
