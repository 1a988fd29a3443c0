// Scenarios of the swap-table and Swap Table Edition faults. The sequential ones are written by hand; the races are
// workloads a hunt found and shrank (ste/<fault>.json: the machine, the programs and the schedule's choices), run
// the way the property suite runs them. Each must fail with the fault on and pass with it off on the same schedule.
import { readFileSync } from 'node:fs';
import type { FaultName } from '../../../impl/kernel/faults.ts';
import { wait_event } from '../../../impl/sim/index.ts';
import { op_exit, op_map_large, op_pageout, op_write, op_zswap_writeback } from '../../../impl/world/ops.ts';
import { execute } from '../../../properties/execute.ts';
import type { Workload } from '../../../properties/workload.ts';
import { oneProcess, type Scenario } from './outcome.ts';

const ste = { design: 'ste' as const, clusterSize: 4 };

/** A shrunk race from a hunt, with its interleaving told in the comment where it is used. */
function shrunk(name: FaultName): Scenario {
  const w = JSON.parse(readFileSync(new URL(`./ste/${name}.json`, import.meta.url), 'utf8')) as Workload;
  return (faults) => execute(w, { faults }).failure?.kind ?? 'ok';
}

export const STE: Partial<Record<FaultName, Scenario>> = {
  // Sequential: the page's vswap slot is the only one of its cluster; exit frees it, the emptied cluster is
  // destroyed, and the freeing path's spin_unlock(&ci->lock) writes the cluster it just kfree()d.
  'ste-cluster-free-no-rcu': (faults) =>
    oneProcess({ ...ste, zswapCapacity: 2, faults }, function* (w, p) {
      yield* op_write(w, p, 0, 1);
      yield* op_pageout(w, p, 0, 1);
      yield* op_exit(w, p);
    }),
  // Sequential: zswap off, so swap_writeout asks folio_realloc_swap for physical slots, which the faulty version
  // allocates with the vswap cluster lock held. The first allocation takes its cluster off the free list with a
  // trylock; the second follows this CPU's hint with spin_lock: the same lock class twice, no nesting annotation.
  'ste-realloc-under-vswap-lock': (faults) =>
    oneProcess({ ...ste, zswapCapacity: 0, faults }, function* (w, p) {
      yield* op_write(w, p, 0, 1);
      yield* op_write(w, p, 1, 2);
      yield* op_pageout(w, p, 0, 2);
      yield* op_exit(w, p);
    }),
  // Sequential: the page goes to zswap; the shrinker's first writeback fails to decompress. The faulty version
  // leaves the slot SWAPFILE on a never-written physical slot and the zswap object orphaned; P exits without
  // reading the page, so what shows is the object still in the pool at quiescence.
  'ste-writeback-no-restore': (faults) =>
    oneProcess({ ...ste, zswapCapacity: 4, zswapDecompressFail: [1], faults }, function* (w, p, s) {
      yield* op_write(w, p, 0, 1);
      yield* op_pageout(w, p, 0, 1);
      yield* op_zswap_writeback(w, 1);
      yield* wait_event(s.h.m, 'writes done', () => !w.k.folios.some((f) => !f.freed && f.writeback));
      yield* op_exit(w, p);
    }),
  // Sequential: zswap off, so a large folio's pageout gives it a physical run (folio_realloc_swap); the faulty
  // allocator writes the first slot's Pointer into both slots. The lock-release invariants see vswap slot 2k+1 say
  // SWAPFILE for a physical slot that points back at 2k.
  'ste-rmap-large-first-entry': (faults) =>
    oneProcess({ ...ste, zswapCapacity: 0, orders: [0, 1], faults }, function* (w, p) {
      yield* op_map_large(w, p, 0, 1);
      yield* op_write(w, p, 0, 1);
      yield* op_write(w, p, 1, 2);
      yield* op_pageout(w, p, 0, 2);
      yield* op_exit(w, p);
    }),
  // Race (shrunk): a swap-in of a page whose slot another process's pageout and reclaim are freeing: the bare
  // lookup finds the cluster, no RCU section holds its grace period back, and the dead cluster's table is read.
  'ste-lookup-no-dead-check': shrunk('ste-lookup-no-dead-check'),
  // Race (shrunk): a put takes a cached SWAPFILE slot's count to 0 and marks its physical slot cache-only after the
  // unlock; reclaim frees the vswap slot and the physical one in between; the stale Pointer|C lands in a free slot.
  'ste-cache-only-mark-unlocked': shrunk('ste-cache-only-mark-unlocked'),
  // Race (shrunk, COUNT_MAX 2): two dups of slots of one cluster both need the extend table; the second install
  // replaces the first table, and with it a count the first had moved there.
  'swap-table-extend-no-recheck': shrunk('swap-table-extend-no-recheck'),
  // Race (shrunk): a CPU's per-CPU hint names the index a new vswap cluster is published at, unlocked; it
  // allocates there (order 0) before the creator, which wanted the cluster for an order-1 folio, locks and scans it.
  'ste-dynamic-publish-unlocked': shrunk('ste-dynamic-publish-unlocked'),
  // Race (shrunk): swapoff of swap1 finds a Pointer slot in use; before it locks the cluster, the vswap folio is
  // freed from swap, the slot was its physical cluster's last, and the cluster's table is freed: NULL table read.
  'ste-rmap-read-no-table': shrunk('ste-rmap-read-no-table'),
};
