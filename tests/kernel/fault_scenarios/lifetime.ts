// Scenarios of the object-lifetime faults: slots and clusters freed twice, too early, against the wrong cluster,
// or never.
import type { FaultName } from '../../../impl/kernel/faults.ts';
import { wait_event } from '../../../impl/sim/index.ts';
import { op_cpu_offline, op_exit, op_fork, op_map_large, op_munmap, op_pageout, op_write } from '../../../impl/world/ops.ts';
import type { Process } from '../../../impl/world/world.ts';
import { flag, oneProcess, scenario, type Scenario } from './outcome.ts';

/** Pages 0..7 get slots 1..8: one run of swap PTEs straddles the cluster boundary at slot 8. */
const straddle: Scenario = (faults) =>
  oneProcess({ clusterSize: 8, zswapCapacity: 8, orders: [0], faults }, function* (w, p) {
    for (let pg = 0; pg < 8; pg++) yield* op_write(w, p, pg, pg + 1);
    yield* op_pageout(w, p, 0, 8);
    yield* op_munmap(w, p, 0, 8);
    yield* op_exit(w, p);
  });

export const LIFETIME: Partial<Record<FaultName, Scenario>> = {
  'zap-leak': straddle,
  'free-batch-cluster-boundary': straddle,
  'double-free': (faults) => {
    const s = scenario({ zswapCapacity: 2, faults }, { cpus: 2 });
    const w = s.h.w;
    const p = w.createProcess(0);
    let child: Process | null = null;
    return s.outcome(
      ['P', 0, function* () {
        yield* op_write(w, p, 0, 1);
        yield* op_pageout(w, p, 0, 1);
        child = yield* op_fork(w, p);
        yield* op_exit(w, p);
      }],
      ['C', 1, function* () {
        yield* wait_event(s.h.m, 'child forked', () => child !== null);
        yield* op_exit(w, child!);
      }],
    );
  },
  'cluster-free-no-rcu': (faults) => {
    // an order-2 folio fills a cluster of 4 (never cached); unmapping its swap entries frees the cluster
    return oneProcess({ clusterSize: 4, orders: [0, 2], zswapCapacity: 8, faults }, function* (w, p) {
      yield* op_map_large(w, p, 0, 2);
      yield* op_write(w, p, 1, 3);
      yield* op_pageout(w, p, 0, 4);
      yield* op_munmap(w, p, 0, 4);
      yield* op_exit(w, p);
    });
  },
  'cpu-dead-keeps-cache-ref': (faults) => {
    const s = scenario({ zswapCapacity: 4, faults }, { cpus: 2 });
    const w = s.h.w;
    const p = w.createProcess(0);
    const swapped = flag(s.h);
    // P's swap-out runs on CPU1 (which caches the cluster); its exit runs once CPU1 is gone
    return s.outcome(
      ['P', 1, function* () {
        yield* op_write(w, p, 0, 1);
        yield* op_pageout(w, p, 0, 1);
        swapped.set();
      }],
      ['hotplug', 0, function* () {
        yield* swapped.wait('P swapped out');
        yield* op_cpu_offline(w, 1);
        yield* op_exit(w, p);
      }],
    );
  },
};
