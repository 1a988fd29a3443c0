// Scenarios of the locking faults: lock-order inversion, a lock taken in hardirq and with IRQs on, allocating in
// the CPU-dead callback, and the memcg1_swapout self-deadlock.
import type { FaultName } from '../../../impl/kernel/faults.ts';
import { op_cpu_offline, op_exit, op_munmap, op_pageout, op_write } from '../../../impl/world/ops.ts';
import { flag, oneProcess, scenario, type Scenario } from './outcome.ts';

/** A page swapped out to zswap (reclaim reaches __remove_mapping), then exit. */
export function swapoutExit(memcgMode: 'v1-memsw' | 'v2'): Scenario {
  return (faults) =>
    oneProcess({ memcgMode, zswapCapacity: 2, faults }, function* (w, p) {
      yield* op_write(w, p, 0, 1);
      yield* op_pageout(w, p, 0, 1);
      yield* op_exit(w, p);
    });
}

export const LOCKING: Partial<Record<FaultName, Scenario>> = {
  'memcg1-swapout-relock': swapoutExit('v1-memsw'),
  'partial-scan-spin-lock': (faults) => {
    // clusters of 4: cluster 0 hands out slots 1-3 and goes full; freeing slot 1 puts it on the partial list
    // (cluster lock, then xa_lock); once cluster 1 is full too, the next allocation scans the partial list
    return oneProcess({ clusterSize: 4, orders: [0], zswapCapacity: 8, faults }, function* (w, p) {
      for (let pg = 0; pg < 4; pg++) yield* op_write(w, p, pg, pg + 1);
      yield* op_pageout(w, p, 0, 4);
      yield* op_munmap(w, p, 0, 1);
      for (let pg = 4; pg < 8; pg++) yield* op_write(w, p, pg, pg + 1);
      yield* op_pageout(w, p, 4, 4);
      yield* op_exit(w, p);
    });
  },
  'writeback-end-irq-lock': (faults) => {
    // zswap off: the page goes to the device and its write completes from an interrupt
    return oneProcess({ zswapCapacity: 0, faults }, function* (w, p) {
      yield* op_write(w, p, 0, 1);
      yield* op_pageout(w, p, 0, 1);
      yield* op_exit(w, p);
    });
  },
  'cpu-dead-alloc': (faults) => {
    // CPU1 caches the cluster; once P exited only that cache holds it, so the dead callback frees it
    const s = scenario({ zswapCapacity: 4, faults }, { cpus: 2 });
    const w = s.h.w;
    const p = w.createProcess(0);
    const exited = flag(s.h);
    return s.outcome(
      ['P', 1, function* () {
        yield* op_write(w, p, 0, 1);
        yield* op_pageout(w, p, 0, 1);
        yield* op_exit(w, p);
        exited.set();
      }],
      ['hotplug', 0, function* () {
        yield* exited.wait('P exited');
        yield* op_cpu_offline(w, 1);
      }],
    );
  },
};
