// Freeing slots on the swap table (mm/swapfile.c): __swap_cluster_free_entries clears a run of slots whose last
// reference went (count 0 and uncached, or count 1 being put while uncached), uncharges their memcg runs, and
// swap_range_free drops what else hangs off them (zswap objects) before the cluster is relocated.
import type { VirtualSlotView } from '../../../model/events.ts';
import { zswap_entry_free } from '../mm/zswap.ts';
import type { Task } from '../sim.ts';
import { lockdep_assert_held, spin_lock, spin_unlock } from '../sim.ts';
import { free_cluster, partial_free_cluster } from './cluster.ts';
import { emitCi, emitPhys, slotViewOf } from './instrument.ts';
import type { SwapTableKernel } from './kernel.ts';
import { __swap_table_get, __swap_table_set, cluster_offset } from './lock.ts';
import { __swap_cgroup_clear, mem_cgroup_uncharge_swap } from './memcg.ts';
import { NULL_TB, type SwapClusterInfo, type SwapInfoStruct } from './types.ts';

/** zswap_invalidate: the zswap object recorded for a physical slot being freed goes too (zswap tree lock). */
export function* zswap_invalidate(k: SwapTableKernel, si: SwapInfoStruct, off: number): Task {
  if (!si.zswapTree.has(off)) return;
  yield* spin_lock(k.m, si.zswapTreeLock);
  const ze = si.zswapTree.get(off);
  si.zswapTree.delete(off);
  yield* spin_unlock(k.m, si.zswapTreeLock);
  if (ze) yield* zswap_entry_free(k, ze);
}

/** swap_range_free: zswap copies of freed physical slots are dropped, inuse_pages shrinks, the device is available. */
export function* swap_range_free(k: SwapTableKernel, si: SwapInfoStruct, offset: number, nr: number): Task {
  if (!si.vswap) for (let off = offset; off < offset + nr; off++) yield* zswap_invalidate(k, si, off);
  si.inuse -= nr;
  k.warnOn(si.inuse < 0, `swap_range_free: swap ${si.index} inuse_pages underflow`);
  if (!si.vswap && si.writeOk && !k.availList.includes(si)) {
    yield* spin_lock(k.m, k.swapAvailLock);
    if (!k.availList.includes(si)) k.availList.push(si);
    yield* spin_unlock(k.m, k.swapAvailLock);
  }
}

/**
 * __swap_cluster_free_entries: frees nr slots from `start` (a cluster index) of a locked cluster. Each must be a
 * shadow with count 0, or 1 when a put frees it without decrementing first. On vswap_si the backing is released
 * first and the memcg runs drop id references; on a device they are uncharged.
 */
export function* __swap_cluster_free_entries(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, start: number, nr: number): Task {
  lockdep_assert_held(k.m, ci.lock);
  const base = cluster_offset(si, ci);
  // the put that frees a count-1 slot clears it in one step: for the chart it is a PUT (from the state the slot was
  // in, before its backing is released), then the FREE
  const putViews = new Map<number, VirtualSlotView>();
  for (let i = start; i < start + nr; i++) {
    const tb = __swap_table_get(k, ci, i);
    if (tb.kind === 'shadow' && tb.count === 1) putViews.set(i, { ...slotViewOf(k, si, base + i), swapCount: 0 });
  }
  if (si.vswap) {
    yield* k.vswap!.__vswap_release_backing(ci, start, nr);
    k.vswapUsed -= nr;
  }
  k.warnOn(ci.count < nr, `__swap_cluster_free_entries: cluster ${ci.id} count ${ci.count} < ${nr}`);
  ci.count -= nr;
  let runId = 0;
  let runLen = 0;
  const flush = (): void => {
    if (!runId) return;
    if (si.vswap) k.vswap!.mem_cgroup_id_put_swap(runId, runLen);
    else mem_cgroup_uncharge_swap(k, runId, runLen);
  };
  for (let i = start; i < start + nr; i++) {
    const tb = __swap_table_get(k, ci, i);
    k.warnOn(tb.kind !== 'shadow' || tb.count > 1, `__swap_cluster_free_entries: slot ${base + i} is ${tb.kind} count ${'count' in tb ? tb.count : '-'}`);
    const put = putViews.get(i);
    if (put) emitCi(k, si, ci, i, 'PUT', 'swap_put_entries_cluster', put);
    __swap_table_set(k, ci, i, NULL_TB);
    if (!si.vswap) si.written[base + i] = false;
    const id = __swap_cgroup_clear(k, ci, i, 1);
    if (id !== runId) {
      flush();
      runId = id;
      runLen = 0;
    }
    runLen++;
  }
  flush();
  for (let i = start; i < start + nr; i++) {
    emitCi(k, si, ci, i, 'FREE', '__swap_cluster_free_entries');
    emitPhys(k, si, base + i, 'PHYS_FREE', '__swap_cluster_free_entries');
  }
  yield* swap_range_free(k, si, base + start, nr);
  if (ci.count === 0) yield* free_cluster(k, si, ci);
  else yield* partial_free_cluster(k, si, ci);
}
