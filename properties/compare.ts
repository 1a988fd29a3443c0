// The designs side by side: swap metadata measured on the port (a device filled to 0-100 %, the live structures
// walked and priced, scaled to a 32 GB swapfile), lock accounting per operation under one fixed workload, throughput
// on the same generated workloads, and bugs found with the same hunt budget. Published figures sit beside the
// measured ones.
import { METADATA_DESIGNS, priceMetadata, type MetadataDesign, type PricedItem } from '../impl/kernel/metadata.ts';
import type { DesignName } from '../impl/kernel/swap.ts';
import { ChoicesScheduler, Machine, wait_event, type ActorRef, type SimObserver, type Task } from '../impl/sim/index.ts';
import { World } from '../impl/world/index.ts';
import * as ops from '../impl/world/ops.ts';
import { FAULT_NAMES, faultSpec } from '../impl/kernel/faults.ts';
import { detectionRow, throughput, type ThroughputRow } from './bench.ts';
import { createHuntPool, hunt } from './hunt.ts';

/** Pages of a 32 GB swapfile of 4 KiB pages. */
export const SLOTS_32G = (32 * 2 ** 30) / 4096;
/** The simulated device: 4 clusters of 512 slots (SWAPFILE_CLUSTER and VSWAP_CLUSTER_SIZE as in the kernel). */
export const FILL_SLOTS = 2048;
const CLUSTER = 512;
export const FILL_LEVELS = [0, 25, 50, 75, 100] as const;
export type Backing = 'zswap' | 'disk';

/**
 * Published metadata for a 32 GB swapfile, MB at 0/25/50/75/100 % (null: not published). 6.19 and v6 from the v5/v6
 * covers' tables (S16 lore 20260320192735.748051-1-nphamcs@gmail.com, S17 lore 20260505153854.1612033-1-nphamcs@
 * gmail.com); mainline from Kairui Song's reply on v3 (S18 lore CAMgjq7AQNGK-a=AOgvn4-V+zGO21QMbMTVbrYSW_R2oDSLoC+A
 * @mail.gmail.com: P4 0.5 MB at 0 %, 64.5 MB at 100 %). No MB figures were published for the STE.
 */
export const PUBLISHED: Readonly<Record<MetadataDesign, Readonly<Record<Backing, readonly (number | null)[] | null>>>> = {
  '6.19': { zswap: [25, 57, 89, 121, 153], disk: [25, 41, 57, 73, 89] },
  mainline: { zswap: null, disk: [0.5, null, null, null, 64.5] },
  v6: { zswap: [0, 48.25, 96.5, 144.75, 193], disk: [2, 66.25, 130.5, 194.75, 259] },
  ste: { zswap: null, disk: null },
};

export interface MetadataPoint {
  readonly design: MetadataDesign;
  readonly backing: Backing;
  readonly fill: number;
  /** Pages swapped out in the simulated run. */
  readonly pages: number;
  /** Bytes of metadata per slot of the 32 GB device (scaled bytes / its slots). */
  readonly bytesPerSlot: number;
  readonly mb32g: number;
  readonly published: number | null;
  readonly items: readonly PricedItem[];
}

/** Which port runs each metadata row (6.19 is the mainline port's state priced as 6.19 keeps it). */
const PORT: Record<MetadataDesign, DesignName> = { '6.19': 'mainline', mainline: 'mainline', v6: 'v6', ste: 'ste' };

/**
 * Swaps out `pages` distinct non-zero pages of one process on a fresh machine of `design`, waits for the writes,
 * reclaims what is left in the swap cache, and returns the world. zswap-backed: a pool that takes every page (the
 * virtual designs run zswap-only, with no swapfile, as their covers measure it; mainline needs the swapfile);
 * disk-backed: zswap off, one 2048-slot device.
 */
export function fillDevice(design: DesignName, backing: Backing, pages: number, geometry = { slots: FILL_SLOTS, cluster: CLUSTER }): World {
  const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]), stepLimit: 50_000_000, lockdep: false });
  const virtualZswapOnly = backing === 'zswap' && design !== 'mainline';
  const w = new World(m, {
    design,
    clusterSize: geometry.cluster,
    devices: virtualZswapOnly ? [] : [{ slots: geometry.slots, clusterSize: geometry.cluster }],
    zswapCapacity: backing === 'zswap' ? geometry.slots * 2 : 0,
    memcgMode: 'v2',
    memcgs: 1,
    orders: [0],
    swapCountMax: 15,
  });
  const p = w.createProcess(0);
  m.spawn(0, 'fill', function* (): Task {
    for (let page = 0; page < pages; page++) yield* ops.op_write(w, p, page, 1 + (page % 3));
    for (let start = 0; start < pages; start += 64) yield* ops.op_pageout(w, p, start, Math.min(64, pages - start));
    yield* wait_event(m, 'writes done', () => !w.k.folios.some((f) => !f.freed && f.writeback));
    yield* ops.op_reclaim(w, Number.MAX_SAFE_INTEGER);
  });
  const r = m.run();
  if (!r.ok) throw new Error(`compare: filling a ${design} device failed: ${r.failure.message}`);
  return w;
}

/** One fill level of one design and backing, measured. */
export function measureMetadata(design: MetadataDesign, backing: Backing, fill: number): MetadataPoint {
  // slot 0 is never handed out (the swap header; the first virtual slot), so X % is X % of the space less one slot:
  // fills then end on cluster boundaries, as they do (but for one slot in 16384 clusters) on a 32 GB device
  const pages = Math.max(0, Math.round((FILL_SLOTS * fill) / 100) - 1);
  const w = fillDevice(PORT[design], backing, pages);
  const row = w.k.swap.metadata().find((r) => r.design === design);
  if (!row) throw new Error(`compare: the ${PORT[design]} port does not price the '${design}' row`);
  const priced = priceMetadata(design, row.counts, SLOTS_32G / FILL_SLOTS);
  const bytesPerSlot = priced.scaledTotal / SLOTS_32G;
  const published = PUBLISHED[design][backing]?.[FILL_LEVELS.indexOf(fill as (typeof FILL_LEVELS)[number])] ?? null;
  return { design, backing, fill, pages, bytesPerSlot, mb32g: priced.scaledTotal / 2 ** 20, published, items: priced.items };
}

export function metadataSection(designs: readonly MetadataDesign[] = METADATA_DESIGNS, onPoint?: (p: MetadataPoint) => void): MetadataPoint[] {
  const out: MetadataPoint[] = [];
  for (const backing of ['zswap', 'disk'] as const) {
    for (const design of designs) {
      for (const fill of FILL_LEVELS) {
        const p = measureMetadata(design, backing, fill);
        out.push(p);
        onPoint?.(p);
      }
    }
  }
  return out;
}

// --- locking per operation

/** The operations the locking section reports, and the entry point each is. */
export const LOCK_OPS = [
  { op: 'swap-out', fn: 'madvise_pageout' },
  { op: 'swap-in', fn: 'do_swap_page' },
  { op: 'fork of a swapped range', fn: 'copy_page_range' },
  { op: 'unmap / free', fn: 'zap_pte_range' },
  { op: 'zswap writeback', fn: 'zswap_writeback_entry' },
  { op: 'swapoff', fn: 'swapoff' },
] as const;

export interface LockStats {
  /** Calls of the entry point. */
  calls: number;
  acquisitions: number;
  /** Acquisitions that disabled interrupts (spin_lock_irq, _irqsave). */
  irqOff: number;
  /** Acquisitions that found the lock held (the CPU spun or slept). */
  contended: number;
  readonly classes: Set<string>;
  /** Distinct held-lock stacks at an acquisition, as lockdep's chains key them. */
  readonly chains: Set<string>;
}

/** Counts lock acquisitions per entry point (an observer of the simulator). */
export class LockAccounting implements SimObserver {
  readonly byFn = new Map<string, LockStats>();

  private stats(fn: string): LockStats {
    let s = this.byFn.get(fn);
    if (!s) {
      s = { calls: 0, acquisitions: 0, irqOff: 0, contended: 0, classes: new Set(), chains: new Set() };
      this.byFn.set(fn, s);
    }
    return s;
  }

  enter(a: ActorRef): void {
    this.stats(a.fn).calls++;
  }

  readonly wantsHeld = true;

  acquired(a: ActorRef, _lockId: number, lock: string, irqOff: boolean, held: readonly string[]): void {
    const s = this.stats(a.fn);
    const cls = lock.replace(/#\d+$/, '');
    s.acquisitions++;
    s.classes.add(cls);
    if (irqOff) s.irqOff++;
    s.chains.add([...held.map((h) => h.replace(/#\d+$/, '')), cls].join(' -> '));
  }

  contended(waiter: ActorRef): void {
    this.stats(waiter.fn).contended++;
  }
}

export interface LockRow {
  readonly design: DesignName;
  readonly backing: Backing;
  readonly op: string;
  readonly fn: string;
  readonly calls: number;
  /** Per call. */
  readonly acquisitions: number;
  readonly irqOff: number;
  readonly contended: number;
  readonly classes: number;
  readonly chains: number;
}

/**
 * The fixed concurrent workload of the locking section (the same for every design): three processes on two CPUs
 * write, swap out, fork, swap in and unmap 16 pages each; a kthread writes zswap back and then swaps the device off.
 * The schedule is fixed choices, so every design meets the same interleaving of operations.
 */
export function lockingRun(design: DesignName, backing: Backing): LockRow[] {
  const acct = new LockAccounting();
  const choices = Array.from({ length: 4000 }, (_, i) => (i % 7 === 3 ? 1 : 0));
  const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler(choices), stepLimit: 5_000_000 });
  m.setObserver(acct);
  const w = new World(m, {
    design,
    clusterSize: 64,
    devices: [{ slots: 256, clusterSize: 64 }],
    zswapCapacity: backing === 'zswap' ? 256 : 0,
    memcgMode: 'v2',
    memcgs: 1,
    orders: [0],
    swapCountMax: 15,
  });
  let live = 3;
  for (let i = 0; i < 3; i++) {
    const p = w.createProcess(0);
    m.spawn(i % 2, `P${i}`, function* (): Task {
      for (let page = 0; page < 16; page++) yield* ops.op_write(w, p, page, 1 + ((page + i) % 3));
      yield* ops.op_pageout(w, p, 0, 16);
      const child = yield* ops.op_fork(w, p);
      for (let page = 0; page < 16; page += 2) yield* ops.op_read(w, p, page);
      yield* ops.op_munmap(w, p, 0, 8);
      if (child) yield* ops.op_exit(w, child);
      yield* ops.op_exit(w, p);
      live--;
    });
  }
  m.spawn(1, 'kthread', function* (): Task {
    yield* wait_event(m, 'pages swapped out', () => w.k.folios.some((f) => !f.freed && f.swapcache));
    if (backing === 'zswap') yield* ops.op_zswap_writeback(w, 8);
    yield* ops.op_swapoff(w, 0);
    yield* wait_event(m, 'processes done', () => live === 0);
  });
  const r = m.run();
  if (!r.ok) throw new Error(`compare: the locking workload failed on ${design}: ${r.failure.message}`);
  return LOCK_OPS.map(({ op, fn }) => {
    const s = acct.byFn.get(fn);
    const calls = s?.calls ?? 0;
    const per = (n: number) => (calls ? n / calls : 0);
    return {
      design,
      backing,
      op,
      fn,
      calls,
      acquisitions: per(s?.acquisitions ?? 0),
      irqOff: per(s?.irqOff ?? 0),
      contended: per(s?.contended ?? 0),
      classes: s?.classes.size ?? 0,
      chains: s?.chains.size ?? 0,
    };
  });
}

// --- the whole comparison

export interface BugRow {
  readonly design: DesignName;
  /** The hunt on the correct code: executions and failures (expected 0). */
  readonly executions: number;
  readonly steps: number;
  readonly failure: string | null;
  /** The design's catalogue faults: detected runs over seeds, median executions to detection. */
  readonly faults: readonly { readonly fault: string; readonly detected: number; readonly seeds: number; readonly medianExecutions: number | null }[];
}

export interface CompareOptions {
  readonly designs: readonly DesignName[];
  readonly seeds: readonly number[];
  /** Seconds of the hunt on the correct code, per design. */
  readonly budgetSeconds: number;
  /** Seconds per seed to find each fault. */
  readonly faultSeconds: number;
  readonly throughputRuns: number;
  readonly onProgress?: (what: string, done: number, total: number) => void;
  /** Worker threads for the hunts (default 1); throughput is always one thread's. */
  readonly workers?: number;
}

export interface CompareResult {
  readonly metadata: readonly MetadataPoint[];
  readonly locking: readonly LockRow[];
  readonly throughput: readonly ThroughputRow[];
  readonly bugs: readonly BugRow[];
  readonly lockdep: readonly { readonly design: DesignName; readonly classes: number; readonly dependencies: number }[];
}

/** The metadata rows a set of ported designs stands for (mainline also gives the 6.19 row). */
export function metadataDesigns(designs: readonly DesignName[]): MetadataDesign[] {
  return METADATA_DESIGNS.filter((m) => designs.includes(PORT[m]));
}

export async function runCompare(o: CompareOptions): Promise<CompareResult> {
  const mdesigns = metadataDesigns(o.designs);
  const faultsOf = (d: DesignName) => FAULT_NAMES.filter((f) => faultSpec(f).designs.includes(d));
  const total = mdesigns.length * FILL_LEVELS.length * 2 + o.designs.length * 3 + o.designs.reduce((n, d) => n + faultsOf(d).length, 0);
  let done = 0;
  const tick = (what: string) => o.onProgress?.(what, ++done, total);

  const metadata = metadataSection(mdesigns, (p) => tick(`metadata ${p.design} ${p.backing} ${p.fill}%`));
  const locking: LockRow[] = [];
  const lockdep: CompareResult['lockdep'][number][] = [];
  for (const d of o.designs) {
    for (const b of ['zswap', 'disk'] as const) locking.push(...lockingRun(d, b));
    lockdep.push({ design: d, ...lockdepGraph(d) });
    tick(`locking ${d}`);
  }
  const throughputRows = o.designs.map((d) => {
    const t = throughput(o.throughputRuns, o.seeds[0] ?? 1, d);
    tick(`throughput ${d}`);
    return t;
  });
  const bugs: BugRow[] = [];
  const pool = (o.workers ?? 1) > 1 ? createHuntPool(o.workers!) : undefined;
  try {
    for (const d of o.designs) {
      const h = await hunt({ seed: o.seeds[0] ?? 1, seconds: o.budgetSeconds, strategy: 'mixed', faults: [], designs: [d], shrinkSeconds: 10, ...(pool ? { pool } : {}) });
      tick(`hunt ${d}`);
      const f = h.failure?.execution.failure;
      const faults: BugRow['faults'][number][] = [];
      for (const fault of faultsOf(d)) {
        const row = await detectionRow(fault, 'mixed', { seeds: o.seeds, budgetSeconds: o.faultSeconds, strategies: ['mixed'], faults: [fault], throughputRuns: 0, shrinkSeconds: 2, designs: [d], ...(pool ? { pool } : {}) });
        tick(`${d}: ${fault}`);
        faults.push({ fault, detected: row.detected, seeds: o.seeds.length, medianExecutions: row.medianExecutions });
      }
      bugs.push({ design: d, executions: h.executions, steps: h.steps, failure: f ? `${f.kind}: ${f.message}` : null, faults });
    }
  } finally {
    await pool?.destroy();
  }
  return { metadata, locking, throughput: throughputRows, bugs, lockdep };
}

/** Lock classes and dependencies lockdep learns from one task running every operation once (zswap on, then swapoff). */
function lockdepGraph(design: DesignName): { classes: number; dependencies: number } {
  const m = new Machine({ cpus: 2, scheduler: new ChoicesScheduler([]), stepLimit: 5_000_000 });
  const w = new World(m, { design, clusterSize: 64, devices: [{ slots: 256, clusterSize: 64 }], zswapCapacity: 8, memcgs: 1, orders: [0] });
  const p = w.createProcess(0);
  m.spawn(0, 'P', function* (): Task {
    for (let page = 0; page < 16; page++) yield* ops.op_write(w, p, page, 1 + (page % 3));
    yield* ops.op_pageout(w, p, 0, 16);
    const child = yield* ops.op_fork(w, p);
    yield* ops.op_zswap_writeback(w, 4);
    for (let page = 0; page < 16; page += 2) yield* ops.op_read(w, p, page);
    yield* ops.op_swapoff(w, 0);
    if (child) yield* ops.op_exit(w, child);
    yield* ops.op_exit(w, p);
  });
  const r = m.run();
  if (!r.ok) throw new Error(`compare: the lockdep workload failed on ${design}: ${r.failure.message}`);
  return m.lockdepGraph();
}
