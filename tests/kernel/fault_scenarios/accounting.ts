// Scenarios of the accounting faults: a memcg swap charge that is never given back.
import type { FaultName } from '../../../impl/kernel/faults.ts';
import { wait_event } from '../../../impl/sim/index.ts';
import { op_exit, op_pageout, op_write } from '../../../impl/world/ops.ts';
import { oneProcess, type Scenario } from './outcome.ts';

/** cgroup v2, no zswap: swap a page out to the device, write it again (the write fault frees the swap), exit. */
export function rewriteAfterSwapout(memcgMode: 'v2' | 'v1-memsw'): Scenario {
  return (faults) =>
    oneProcess({ memcgMode, zswapCapacity: 0, faults }, function* (w, p, s) {
      yield* op_write(w, p, 0, 1);
      yield* op_pageout(w, p, 0, 1);
      yield* wait_event(s.h.m, 'write to swap done', () => !w.k.folios.some((f) => !f.freed && f.writeback));
      yield* op_write(w, p, 0, 2);
      yield* op_exit(w, p);
    });
}

export const ACCOUNTING: Partial<Record<FaultName, Scenario>> = {
  'free-swap-skips-uncharge': rewriteAfterSwapout('v2'),
};
