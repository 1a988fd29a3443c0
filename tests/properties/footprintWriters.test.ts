// The writer side of the swap table's lockless reads (footprint.ts, impl/kernel/swap_table): folio_maybe_swapped and
// swap_table_get read a cluster's table pointer without its lock and an entry at a point that names the cluster's
// lock, so every step that changes a table pointer must record that lock's key, and every step that changes an
// entry must record it or the table's memory. A writer that records neither looks independent of the readers to
// explore's reduction, which then skips the order in which the reader sees the change. The footprint audit finds
// such a gap only when a generated run puts the two steps next to each other; this check watches every step of
// every run: between two steps, each cluster's table is compared with what it was, and the step that changed it must
// say so. Taking out the record of any one writer that needs it (swap_cluster_alloc_table, swap_cluster_free_table,
// swapoff's teardown, the STE's lockless cache-only mark) fails it; the others record the table's memory as well, or
// change the table of a cluster no reader can reach yet.
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { lockKey, type Footprint, type Machine, type Runnable, type Scheduler } from '../../impl/sim/index.ts';
import { objectKey } from '../../impl/sim/footprint.ts';
import { SwapTableKernel } from '../../impl/kernel/swap_table/kernel.ts';
import type { SwapClusterInfo, SwpTb } from '../../impl/kernel/swap_table/types.ts';
import { DEFAULT_BOUNDS, workloadArb } from '../../properties/arbitraries.ts';
import { execute, makeScheduler } from '../../properties/execute.ts';
import type { Workload } from '../../properties/workload.ts';
import { loadTrace, traceWorkload } from '../../traces/load.ts';
import { RUNS } from './budget.ts';

interface TableState {
  readonly table: readonly SwpTb[] | null;
  /** The entries (immutable values, replaced whole): compared one by one. */
  readonly entries: readonly SwpTb[];
}

/** Every cluster's table as it stands, physical devices and the STE's vswap_si. */
function tables(k: SwapTableKernel): Map<SwapClusterInfo, TableState> {
  const out = new Map<SwapClusterInfo, TableState>();
  for (const si of [...k.devices, ...(k.vswap ? [k.vswap.si] : [])]) {
    for (const ci of si.clusterInfo.values()) out.set(ci, { table: ci.table, entries: ci.table ? [...ci.table] : [] });
  }
  return out;
}

/** Changes seen, and what the steps that made them failed to record (one line each). */
interface Seen {
  pointers: number;
  entries: number;
  readonly problems: string[];
}

/**
 * Compares each cluster's table in `before` with the same cluster's now, after one step with footprint `fp` (a
 * cluster the step took out of its device's map too: a reader may have found it before). A cluster created by the
 * step is not compared: no reader could reach it before the step that publishes it, which records the map's key.
 */
function compare(before: Map<SwapClusterInfo, TableState>, fp: Footprint, step: string, seen: Seen): void {
  for (const [ci, was] of before) {
    const lock = fp.global || fp.keys.includes(lockKey(ci.lock.id));
    if (ci.table !== was.table) {
      seen.pointers++;
      if (!lock) seen.problems.push(`${step} changed cluster ${ci.id}'s table pointer without recording its lock's key`);
      continue;
    }
    if (ci.table === null || ci.table.every((tb, i) => tb === was.entries[i])) continue;
    seen.entries++;
    const memory = ci.tableMem !== null && fp.keys.includes(objectKey(ci.tableMem.id));
    if (!lock && !memory) seen.problems.push(`${step} changed an entry of cluster ${ci.id}'s table without recording its lock's key or the table's memory`);
  }
}

/** The workload's own scheduler, comparing the tables before each step with those before the last one. */
class TableWatcher implements Scheduler {
  readonly name = 'table-watcher';
  machine: Machine | null = null;
  kernel: SwapTableKernel | null = null;
  readonly seen: Seen = { pointers: 0, entries: 0, problems: [] };
  private before: Map<SwapClusterInfo, TableState> | null = null;
  /** The step count when `before` was taken. */
  private beforeAt = 0;
  private lastId = '';

  constructor(private readonly inner: Scheduler) {}

  /** Checks the step run last against the tables as they stand now. */
  check(): void {
    if (this.kernel === null || this.machine === null) return;
    const fp = this.machine.lastFootprint;
    const at = this.machine.schedule.length;
    // one step since `before` (the fair continuation after a step limit schedules without this scheduler)
    if (this.before !== null && fp !== null && at === this.beforeAt + 1) compare(this.before, fp, this.lastId, this.seen);
    this.before = tables(this.kernel);
    this.beforeAt = at;
  }

  next(runnable: readonly Runnable[], current: string | null, step: number): number {
    this.check();
    const i = this.inner.next(runnable, current, step);
    this.lastId = `step ${step} (${runnable[i]?.id ?? '?'})`;
    return i;
  }
}

/** Runs `w` under its own schedule, watching every step; what the watcher saw. */
function watch(w: Workload): Seen {
  const watcher = new TableWatcher(makeScheduler(w, {}));
  execute(w, {
    faults: [],
    scheduler: watcher,
    onMachine: (m) => {
      m.recordFootprints();
      watcher.machine = m;
    },
    onWorld: (world) => {
      if (world.k instanceof SwapTableKernel) watcher.kernel = world.k;
    },
  });
  // the last step, whose footprint the run closed
  watcher.check();
  return watcher.seen;
}

describe("the swap table's writers", () => {
  test.prop([workloadArb({ ...DEFAULT_BOUNDS, designs: ['ste', 'mainline'] })], { numRuns: Math.max(20, Math.ceil(RUNS / 2)) })(
    "a step that changes a cluster's swap table records the cluster's lock (the pointer) or the table's memory (an entry)",
    (w) => {
      expect(watch(w).problems).toEqual([]);
    },
  );

  it.each(['ste-dynamic-publish-unlocked', 'swap-table-extend-no-recheck', 'ste-cache-only-mark-unlocked'])(
    'the watch sees table pointers and entries change on %s (the check reaches both writers)',
    (regression) => {
      const seen = watch(traceWorkload(loadTrace(`traces/regressions/${regression}.json`)));
      expect(seen.problems).toEqual([]);
      expect(seen.pointers).toBeGreaterThan(0);
      expect(seen.entries).toBeGreaterThan(0);
    },
  );
});
