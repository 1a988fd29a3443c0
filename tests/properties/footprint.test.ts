// explore's reduction is sound only if steps the footprints call independent really commute: the data-race-freedom
// convention of impl/sim/footprint.ts (shared state is touched under a held lock, at a point of its own, or through
// an accessor that names it). This checks the convention on generated workloads (properties/footprintAudit.ts). It
// found the gaps the port had (a folio's refcount and flags, memcg counters, the mm list and the LRU removal of a
// freed folio, all changed under different locks).
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Machine, RoundRobinScheduler, lockKey, type Footprint } from '../../impl/sim/index.ts';
import { DEFAULT_BOUNDS, workloadArb } from '../../properties/arbitraries.ts';
import { execute } from '../../properties/execute.ts';
import { auditSwaps } from '../../properties/footprintAudit.ts';
import { loadTrace, parseWorkload, traceWorkload } from '../../traces/load.ts';
import { RUNS } from './budget.ts';

describe('step footprints', () => {
  test.prop([workloadArb(DEFAULT_BOUNDS), fc.nat()], { numRuns: Math.max(10, Math.ceil(RUNS / 4)) })(
    'two adjacent steps called independent commute: swapped, every context does the same',
    (w, offset) => {
      // up to 24 pairs spread over the run, starting at a generated offset
      expect(auditSwaps(w, 24, offset).mismatches).toEqual([]);
    },
  );

  test.prop([workloadArb(DEFAULT_BOUNDS), fc.nat()], { numRuns: Math.max(10, Math.ceil(RUNS / 4)) })(
    "an interrupt's delivery called independent of the step next to it commutes with it",
    (w, offset) => {
      expect(auditSwaps(w, 12, offset, true).mismatches).toEqual([]);
    },
  );

  it("a workload's load or store reads its PTE under the page-table lock's key, not as a step dependent on everything", () => {
    const w = parseWorkload(
      JSON.stringify({
        config: { design: 'v6', cpus: 1, clusterSize: 4, orders: [0], devices: [{ slots: 8, bad: [] }], physClusterSize: 4, zswapCapacity: 0, memcgMode: 'v2', memcgs: 1, swapCountMax: 3, failslab: [], decompressFail: [] },
        processes: [{ cpu: 0, memcg: 0, ops: [{ op: 'write', page: 0, value: 1 }, { op: 'write', page: 0, value: 2 }, { op: 'read', page: 0 }] }],
        background: [],
      }),
      'w.json',
    );
    const fps: Footprint[] = [];
    let machine: Machine | null = null;
    const ex = execute(w, { faults: [], lockdep: true, keepLog: true, onMachine: (m) => { machine = m; m.recordFootprints(fps); } });
    expect(ex.failure).toBeNull();
    const locks = (machine as unknown as { engine: { locks: readonly { name: string }[] } }).engine.locks;
    const ptls = locks.flatMap((l, id) => (l.name === 'mm->page_table_lock' ? [lockKey(id)] : []));
    const ptlKeys = (fp: Footprint) => fp.keys.filter((k) => ptls.includes(k));
    const ops = ex.log.flatMap((l, i) => (/P0 (write|read) page 0$/.test(l.what) ? [i] : []));
    // the first store faults (a page-table change under the lock), the second stores, the load reads
    expect(ops.length).toBeGreaterThanOrEqual(3);
    for (const i of ops) {
      expect(fps[i]!.global, ex.log[i]!.what).toBe(false);
      expect(ptlKeys(fps[i]!), ex.log[i]!.what).toHaveLength(1);
    }
  });

  it.each([
    ['folio_maybe_swapped', 'ste-dynamic-publish-unlocked'],
    ['swap_table_get', 'ste-rmap-read-no-table'],
  ])("%s reads the swap table under its cluster's keys, not as a step dependent on everything (%s)", (reader, regression) => {
    const t = loadTrace(`traces/regressions/${regression}.json`);
    const fps: Footprint[] = [];
    let machine: Machine | null = null;
    const ex = execute(traceWorkload(t), { faults: [], lockdep: true, keepLog: true, onMachine: (m) => { machine = m; m.recordFootprints(fps); } });
    expect(ex.failure).toBeNull();
    const locks = (machine as unknown as { engine: { locks: readonly { name: string }[] } }).engine.locks;
    const clusterLocks = locks.flatMap((l, id) => (l.name === 'swap_cluster_info->lock' ? [lockKey(id)] : []));
    const reads = ex.log.flatMap((l, i) => (l.what.startsWith(reader) ? [i] : []));
    // each records its cluster's lock (the table pointer; the entries through the table's memory)
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const i of reads) {
      expect(fps[i]!.global, ex.log[i]!.what).toBe(false);
      expect(fps[i]!.keys.some((k) => clusterLocks.includes(k)), ex.log[i]!.what).toBe(true);
    }
  });

  it("what runs after the last step (the quiescence check reading the final state) is not in the last step's footprint", () => {
    const m = new Machine({ cpus: 1, scheduler: new RoundRobinScheduler(), lockdep: false });
    m.recordFootprints();
    m.spawn(0, 'T', function* () {
      yield* m.pointShared('reads A', 'A');
    });
    expect(m.run().ok).toBe(true);
    const keys = [...m.lastFootprint!.keys];
    // an oracle after the run reads state as the check does (a memcg's counters name the memcg)
    m.touchShared('B');
    expect(m.lastFootprint!.keys).toEqual(keys);
    expect(keys.length).toBeGreaterThan(0);
  });
});
