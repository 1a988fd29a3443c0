// fast-check arbitraries for concurrent workloads. Everything is plain data so it shrinks together: fewer ops,
// fewer processes, fewer CPUs, fewer preemptions (schedule choices shrink towards 0 = "keep running this CPU").
import fc from 'fast-check';
import type { FaultRequirements } from '../impl/kernel/faults.ts';
import { DESIGN_NAMES, type DesignName } from '../impl/kernel/swap.ts';
import {
  PAGES_PER_PROCESS,
  type BackgroundOp,
  type BackgroundProgram,
  type MachineConfig,
  type ProcOp,
  type ProcessProgram,
  type Schedule,
  type ThreadOp,
  type ThreadProgram,
  type Workload,
} from './workload.ts';

export interface WorkloadBounds {
  readonly maxCpus: number;
  readonly maxProcesses: number;
  readonly maxOps: number;
  readonly maxChoices: number;
  /** Largest schedule choice (a choice k > 0 switches to the ((k-1) mod others)-th other runnable). */
  readonly maxChoice: number;
  /** random: schedule choices; pct: PCT priorities; mixed: either, drawn per workload. */
  readonly strategy: Strategy;
  /** Force the CPU count (the hunt's --cpus). */
  readonly cpus?: number;
  /** The designs a workload may be drawn for (the first is what shrinking moves towards). Default all. */
  readonly designs?: readonly DesignName[];
  /** Configuration the faults switched on need (see FaultSpec.requires). */
  readonly requires?: FaultRequirements;
  /** Threads a process may have besides its main one (default 2; 0: single-threaded processes only). */
  readonly maxThreads?: number;
  /** What the generator draws how often (a steering profile's mix; default DEFAULT_MIX). */
  readonly mix?: OpMix;
}

/**
 * Relative weights of what the generator draws: each process op, forks (against the 15 of the leaf ops), threaded
 * processes (against 2 for single-threaded ones), each background op, and the swapoff/swapon-cycling kthread
 * (against 3 for a mixed one). A weight of 0 never draws it.
 */
export interface OpMix {
  readonly write: number;
  readonly read: number;
  readonly pageout: number;
  readonly fill: number;
  readonly mapLarge: number;
  readonly munmap: number;
  readonly fork: number;
  readonly threads: number;
  readonly reclaim: number;
  readonly zswapWriteback: number;
  readonly swapoff: number;
  readonly swapon: number;
  readonly cpuOffline: number;
  readonly swapCycling: number;
}

export const DEFAULT_MIX: OpMix = {
  write: 4,
  read: 3,
  pageout: 4,
  fill: 2,
  mapLarge: 1,
  munmap: 1,
  fork: 3,
  threads: 1,
  reclaim: 3,
  zswapWriteback: 3,
  swapoff: 2,
  swapon: 1,
  cpuOffline: 1,
  swapCycling: 1,
};

/** fc.oneof over the entries whose weight is positive. */
function weighted<T>(...entries: { weight: number; arbitrary: fc.Arbitrary<T> }[]): fc.Arbitrary<T> {
  const live = entries.filter((e) => e.weight > 0);
  return live.length === 1 ? live[0]!.arbitrary : fc.oneof(...live);
}

export type Strategy = 'random' | 'pct' | 'mixed';
export const STRATEGIES: readonly Strategy[] = ['random', 'pct', 'mixed'];

export const DEFAULT_BOUNDS: WorkloadBounds = {
  maxCpus: 4,
  maxProcesses: 3,
  maxOps: 10,
  maxChoices: 400,
  maxChoice: 7,
  strategy: 'random',
};

// Every .map below has an unmapper, so that fast-check can shrink a workload it did not generate itself (a saved
// trace, or a PCT failure turned into choices) — `canShrinkWithoutContext`.
function unmapOp<R>(name: string, v: unknown): R {
  if (typeof v !== 'object' || v === null || (v as { op?: unknown }).op !== name) throw new Error(`not a ${name} op`);
  const { op: _op, ...rest } = v as { op: string };
  return rest as R;
}

export function configArb(b: WorkloadBounds): fc.Arbitrary<MachineConfig> {
  const device = fc.record({
    slots: fc.constantFrom(16, 8, 32),
    bad: fc.uniqueArray(fc.nat(15), { maxLength: 2 }),
  });
  const designs = b.designs ?? DESIGN_NAMES;
  const req = b.requires ?? {};
  // sparse fault injection: most runs inject nothing; some fail one of the first atomic allocations, or one of the
  // first zswap writeback decompressions (a workload makes only a few of those)
  const injected = (max: number) =>
    fc.oneof(
      { weight: 5, arbitrary: fc.constant([] as number[]) },
      { weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 1, max }), { minLength: 1, maxLength: 2 }).map((xs) => xs.sort((x, y) => x - y), (v) => v as number[]) },
    );
  return fc.record({
    design: designs.length === 1 ? fc.constant(designs[0]!) : fc.constantFrom(...designs),
    cpus: b.cpus !== undefined ? fc.constant(b.cpus) : fc.integer({ min: 2, max: b.maxCpus }),
    clusterSize: fc.constantFrom(8, 4),
    orders: fc.nat(2).map(
      (maxOrder) => Array.from({ length: maxOrder + 1 }, (_, i) => i),
      (v) => (v as number[]).length - 1,
    ),
    devices: fc.array(device, { minLength: 1, maxLength: 2 }),
    physClusterSize: fc.constantFrom(4, 8),
    zswapCapacity: req.zswap === 'on' ? fc.constantFrom(4, 64) : req.zswap === 'off' ? fc.constant(0) : fc.constantFrom(4, 0, 64),
    memcgMode: req.memcgMode ? fc.constant(req.memcgMode) : fc.constantFrom('v2' as const, 'v1-memsw' as const),
    memcgs: fc.constantFrom(1, 2),
    swapCountMax: req.swapCountMax !== undefined ? fc.constant(req.swapCountMax) : fc.constantFrom(3, 2, 15),
    failslab: injected(12),
    decompressFail: injected(3),
  }).map(
    (c) => ({
      ...c,
      // the swap header cannot mark page 0 bad and bad pages lie inside the device
      devices: c.devices.map((d) => ({ slots: d.slots, bad: d.bad.filter((x) => x > 0 && x < d.slots).sort((x, y) => x - y) })),
    }),
    (v) => v as never,
  );
}

// Swarm-style profiles: a process either touches its whole address space or hammers two pages (so that its
// faults, writes and unmaps race with reclaim, writeback and swapoff of the very slots it uses).
const PAGE_PROFILES = [PAGES_PER_PROCESS, 2] as const;

function leafOpArb(pages: number, mix: OpMix): fc.Arbitrary<ThreadOp> {
  const page = fc.nat(pages - 1);
  const range = fc.record({ start: page, nr: fc.integer({ min: 1, max: 4 }) });
  return weighted<ThreadOp>(
    { weight: mix.write, arbitrary: fc.record({ op: fc.constant('write' as const), page, value: fc.nat(3) }) },
    { weight: mix.read, arbitrary: fc.record({ op: fc.constant('read' as const), page }) },
    { weight: mix.pageout, arbitrary: range.map((r) => ({ op: 'pageout' as const, ...r }), (v) => unmapOp('pageout', v)) },
    {
      weight: mix.fill,
      arbitrary: fc
        .record({ start: page, nr: fc.integer({ min: 2, max: PAGES_PER_PROCESS }), value: fc.nat(3) })
        .map((r) => ({ op: 'fill' as const, ...r }), (v) => unmapOp('fill', v)),
    },
    { weight: mix.mapLarge, arbitrary: fc.record({ op: fc.constant('mapLarge' as const), start: page, order: fc.integer({ min: 1, max: 2 }) }) },
    { weight: mix.munmap, arbitrary: range.map((r) => ({ op: 'munmap' as const, ...r }), (v) => unmapOp('munmap', v)) },
  );
}

function programArb(b: WorkloadBounds, depth: number): fc.Arbitrary<ProcessProgram> {
  return fc.oneof(...PAGE_PROFILES.map((pages) => programWithPages(b, depth, pages)));
}

function programWithPages(b: WorkloadBounds, depth: number, pages: number): fc.Arbitrary<ProcessProgram> {
  const mix = b.mix ?? DEFAULT_MIX;
  const op: fc.Arbitrary<ProcOp> =
    depth === 0
      ? leafOpArb(pages, mix)
      : weighted<ProcOp>(
          { weight: 12, arbitrary: leafOpArb(pages, mix) },
          {
            weight: mix.fork,
            arbitrary: programArb(b, depth - 1).map(
              (child) => ({ op: 'fork' as const, child }),
              (v) => unmapOp<{ child: ProcessProgram }>('fork', v).child,
            ),
          },
        );
  // most processes are single-threaded; some have one or two more threads on the same pages (so their faults,
  // stores, unmaps and MADV_PAGEOUTs race each other in one address space)
  const thread = fc.record({ cpu: fc.nat(b.maxCpus - 1), ops: fc.array(leafOpArb(pages, mix), { minLength: 1, maxLength: Math.max(1, b.maxOps >> 1) }) });
  return fc.record({
    cpu: fc.nat(b.maxCpus - 1),
    memcg: fc.nat(1),
    ops: fc.array(op, { minLength: 1, maxLength: b.maxOps }),
    threads:
      (b.maxThreads ?? 2) > 0
        ? weighted<ThreadProgram[]>({ weight: 2, arbitrary: fc.constant([]) }, { weight: mix.threads, arbitrary: fc.array(thread, { minLength: 1, maxLength: b.maxThreads ?? 2 }) })
        : fc.constant([]),
  });
}

function backgroundArb(b: WorkloadBounds): fc.Arbitrary<BackgroundProgram> {
  const reclaim = fc.record({ op: fc.constant('reclaim' as const), nr: fc.integer({ min: 1, max: 8 }) });
  const writeback = fc.record({ op: fc.constant('zswapWriteback' as const), nr: fc.integer({ min: 1, max: 4 }) });
  const swapoff = fc.record({ op: fc.constant('swapoff' as const), dev: fc.nat(1) });
  const swapon = fc.record({ op: fc.constant('swapon' as const), dev: fc.nat(1) });
  const offline = fc.record({ op: fc.constant('cpuOffline' as const), cpu: fc.nat(b.maxCpus - 1) });
  const mix = b.mix ?? DEFAULT_MIX;
  const mixed: fc.Arbitrary<BackgroundOp> = weighted<BackgroundOp>(
    { weight: mix.reclaim, arbitrary: reclaim },
    { weight: mix.zswapWriteback, arbitrary: writeback },
    { weight: mix.swapoff, arbitrary: swapoff },
    { weight: mix.swapon, arbitrary: swapon },
    { weight: mix.cpuOffline, arbitrary: offline },
  );
  // a kthread that only cycles a device off and on keeps try_to_unuse racing with the processes
  const swapCycling: fc.Arbitrary<BackgroundOp> = fc.oneof({ weight: 2, arbitrary: swapoff }, { weight: 1, arbitrary: swapon });
  const program = (op: fc.Arbitrary<BackgroundOp>, maxLength: number) =>
    fc.record({ cpu: fc.nat(b.maxCpus - 1), ops: fc.array(op, { minLength: 1, maxLength }) });
  return weighted({ weight: 3, arbitrary: program(mixed, 3) }, { weight: mix.swapCycling, arbitrary: program(swapCycling, 4) });
}

function scheduleArb(b: WorkloadBounds): fc.Arbitrary<Schedule> {
  // k: PCT spreads its d-1 priority change points over k steps, and a change point after the run's last step is
  // wasted. Runs take from tens to a few thousand steps (median about 300), so each workload draws its k.
  const pct = fc.record({
    strategy: fc.constant('pct' as const),
    seed: fc.nat(),
    depth: fc.integer({ min: 1, max: 4 }),
    k: fc.constantFrom(2000, 1000, 500, 250),
  });
  if (b.strategy === 'pct') return pct;
  if (b.strategy === 'mixed') return fc.oneof(choicesScheduleArb(b), pct);
  return choicesScheduleArb(b);
}

function choicesScheduleArb(b: WorkloadBounds): fc.Arbitrary<Schedule> {
  // Swarm-style: each workload draws its own preemption density (dense, sparse, rare), so some runs interleave at
  // nearly every step and others run almost sequentially; zeros ("keep running this CPU") are what shrinking leaves.
  const choices = (zeroWeight: number) =>
    fc.array(fc.oneof({ weight: zeroWeight, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: b.maxChoice }) }), {
      maxLength: b.maxChoices,
      // the whole length, not fast-check's "small" default of about ten: a race late in a run needs choices there
      size: 'max',
    });
  return fc.record({
    strategy: fc.constant('random' as const),
    choices: fc.oneof(choices(6), choices(1), choices(25)),
  });
}

/** Maps every CPU reference into the configured CPU range and keeps references valid after shrinking. */
export function normalizeWorkload(w: Workload): Workload {
  const cpus = w.config.cpus;
  const memcgs = w.config.memcgs;
  const devs = w.config.devices.length;
  const fixProgram = (p: ProcessProgram): ProcessProgram => ({
    cpu: p.cpu % cpus,
    memcg: p.memcg % memcgs,
    ops: p.ops.map((op) => (op.op === 'fork' ? { op: 'fork', child: fixProgram(op.child) } : op)),
    threads: (p.threads ?? []).map((t) => ({ cpu: t.cpu % cpus, ops: t.ops })),
  });
  // CPU hotplug is serialised (cpu_hotplug_lock) and runs from one control thread: only the first kthread takes
  // CPUs down, never its own CPU nor CPU0 (the leak check's final reclaim runs there).
  const background = w.background
    .map((b, i) => {
      const cpu = b.cpu % cpus;
      const ops = b.ops
        .filter((op) => !((op.op === 'swapoff' || op.op === 'swapon') && devs === 0))
        .map((op) => {
          if (op.op === 'swapoff' || op.op === 'swapon') return { ...op, dev: op.dev % devs };
          if (op.op === 'cpuOffline') return { ...op, cpu: cpus < 2 ? 0 : 1 + (op.cpu % (cpus - 1)) };
          return op;
        })
        .filter((op) => op.op !== 'cpuOffline' || (i === 0 && op.cpu !== 0 && op.cpu !== cpu));
      return { cpu, ops };
    })
    .filter((b) => b.ops.length > 0);
  return { ...w, processes: w.processes.map(fixProgram), background };
}

/** A pre-image of a normalized workload under normalizeWorkload (for shrinking without context). */
function denormalizeWorkload(v: unknown): never {
  const w = v as Workload;
  // traces written before threads existed have none
  const withThreads = (p: ProcessProgram): ProcessProgram => ({
    ...p,
    ops: p.ops.map((op) => (op.op === 'fork' ? { op: 'fork', child: withThreads(op.child) } : op)),
    threads: p.threads ?? [],
  });
  return <never>{
    ...w,
    processes: w.processes.map(withThreads),
    background: w.background.map((b) => ({
      cpu: b.cpu,
      ops: b.ops.map((op) => (op.op === 'cpuOffline' ? { ...op, cpu: op.cpu - 1 } : op)),
    })),
  };
}

export function workloadArb(b: WorkloadBounds = DEFAULT_BOUNDS): fc.Arbitrary<Workload> {
  return fc
    .record({
      config: configArb(b),
      processes: fc.array(programArb(b, 1), { minLength: 1, maxLength: b.maxProcesses }),
      background: fc.array(backgroundArb(b), { maxLength: 2 }),
      schedule: scheduleArb(b),
    })
    .map(normalizeWorkload, denormalizeWorkload);
}
