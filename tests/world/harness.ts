// Test harness: a machine with a world, a recorder of every slot event, and a scheduler wrapper that checks at
// every scheduling point that each slot's descriptor still equals the `after` view of the last record emitted for
// it (so a change made without a record, or a record with a wrong view, is caught at the next step).
import type { KernelConfig } from '../../impl/kernel/config.ts';
import { ChoicesScheduler, Machine, RoundRobinScheduler } from '../../impl/sim/index.ts';
import type { RunResult, Runnable, Scheduler, Task } from '../../impl/sim/index.ts';
import { currentIndex } from '../../impl/sim/sched/choices.ts';
import { World } from '../../impl/world/world.ts';
import { lockReleaseChecker } from '../../properties/oracles/invariants.ts';
import type { SlotEventRecord } from '../../model/events.ts';

export interface Harness {
  readonly m: Machine;
  readonly w: World;
  readonly records: SlotEventRecord[];
  /** Mismatches between records and the swap layer's state found so far. */
  readonly mismatches: string[];
  /** Spawns tasks (name, CPU, body) and runs the machine once to quiescence or failure. */
  run(...tasks: readonly [string, number, () => Task<unknown>][]): RunResult;
  /** Event types recorded for one virtual slot, in order. */
  eventsOf(slot: number): string[];
  /** Event types recorded for one physical slot. */
  physEventsOf(dev: number, offset: number): string[];
}

class CheckingScheduler implements Scheduler {
  readonly name: string;
  constructor(
    private readonly inner: Scheduler,
    private readonly check: () => void,
  ) {
    this.name = `checking(${inner.name})`;
  }
  next(runnable: readonly Runnable[], current: string | null, step: number): number {
    this.check();
    return this.inner.next(runnable, current, step);
  }
}

/**
 * Never preempts: keeps running what ran last while it can run, else the first runnable (so an interrupt is taken
 * only once its CPU has nothing else to run). Unfair on purpose, for scenarios that need exactly that order.
 */
export class NoPreemptScheduler implements Scheduler {
  readonly name = 'no-preempt';
  private lastCpu = -1;
  next(runnable: readonly Runnable[], current: string | null): number {
    const cur = currentIndex(runnable, current, this.lastCpu);
    const i = cur < 0 ? 0 : cur;
    this.lastCpu = runnable[i]!.cpu;
    return i;
  }
}

export interface HarnessOptions {
  readonly cpus?: number;
  /** A ChoicesScheduler's choices (default: round robin). */
  readonly choices?: number[];
  /** Use this scheduler instead. */
  readonly scheduler?: Scheduler;
  readonly failslab?: number[];
  /**
   * Check the lock-release invariants (default true). Off only for unit tests that call swap-layer primitives out of
   * their protocol (e.g. swapcache_clear on a folio still in the cache), which leaves states the kernel never does.
   */
  readonly invariants?: boolean;
}

export function harness(config: Partial<KernelConfig>, opts: HarnessOptions = {}): Harness {
  const records: SlotEventRecord[] = [];
  const mismatches: string[] = [];
  const lastVirtual = new Map<number, SlotEventRecord>();
  const lastPhysical = new Map<string, SlotEventRecord>();
  let world: World | null = null;
  const check = (): void => {
    const w = world;
    if (!w) return;
    const k = w.k;
    for (const [slot, r] of lastVirtual) {
      if (r.space !== 'virtual') continue;
      const now = k.swap.slotView(slot);
      // a free slot has no live descriptor or table entry (a new cluster's descriptors are initialised before its
      // bits are set, with no lock held): only "free" is compared then; and a slot whose lock is held may be in the
      // middle of a change its holder records before unlocking
      if ((!now.allocated && !r.after.allocated) || k.swap.slotLocked(slot)) continue;
      if (JSON.stringify(now) !== JSON.stringify(r.after)) {
        mismatches.push(`${k.swap.describeSlot(slot)}: swap layer says ${JSON.stringify(now)} but last record ${r.event.type} said ${JSON.stringify(r.after)}`);
      }
    }
    for (const [key, r] of lastPhysical) {
      if (r.space !== 'physical') continue;
      const state = k.devices[r.slot.dev]!.slotState(r.slot.offset);
      if (state !== r.after.state) mismatches.push(`swap ${key}: state ${state} but last record ${r.event.type} said ${r.after.state}`);
    }
  };
  const inner = opts.scheduler ?? (opts.choices ? new ChoicesScheduler(opts.choices) : new RoundRobinScheduler());
  const m = new Machine({ cpus: opts.cpus ?? 1, scheduler: new CheckingScheduler(inner, check), stepLimit: 50_000, failslab: opts.failslab ?? [] });
  const w = new World(m, config, (r) => {
    records.push(r);
    if (r.space === 'virtual') lastVirtual.set(r.slot, r);
    else lastPhysical.set(`${r.slot.dev}:${r.slot.offset}`, r);
  });
  world = w;
  // the invariants each cluster lock protects, checked at every release (as the property suite does)
  if (opts.invariants ?? true) m.setReleaseCheck(lockReleaseChecker(w.k));
  return {
    m,
    w,
    records,
    mismatches,
    run(...tasks) {
      for (const [name, cpu, body] of tasks) m.spawn(cpu, name, () => body());
      const res = m.run();
      check();
      return res;
    },
    eventsOf: (slot) => records.flatMap((r) => (r.space === 'virtual' && r.slot === slot ? [r.event.type] : [])),
    physEventsOf: (dev, offset) =>
      records.flatMap((r) => (r.space === 'physical' && r.slot.dev === dev && r.slot.offset === offset ? [r.event.type] : [])),
  };
}

/** The failure text of a run, for assertion messages. */
export function failureText(res: RunResult): string {
  return res.ok ? 'ok' : res.failure.text();
}
