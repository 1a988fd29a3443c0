// Cluster lookup and locking (mm/swap.h), table access (mm/swap_table.h). A physical device's clusters are a
// static array; vswap_si's are dynamic: looked up in an xarray under RCU, locked, and refused when marked DEAD.
import type { SwapTableKernel } from './kernel.ts';
import type { Task } from '../sim.ts';
import { lockdep_assert_held, rcu_read_lock, rcu_read_unlock, spin_lock, spin_lock_irq, spin_unlock, spin_unlock_irq } from '../sim.ts';
import { CLUSTER_POOL, NULL_TB, type SwapClusterInfo, type SwapInfoStruct, type SwpTb } from './types.ts';

/** Marks a dereference of a cluster whose memory may have been freed (dynamic clusters: KASAN's view). */
export function ci_access(k: SwapTableKernel, ci: SwapClusterInfo, what: string): void {
  if (ci.dyn) k.m.access(ci.dyn.mem, `${what} (vswap cluster ${ci.id})`);
}

/** xa_load(&si->cluster_info_pool) / &si->cluster_info[idx]: a lockless lookup, so a scheduling point for vswap_si. */
export function* __swap_offset_to_cluster(k: SwapTableKernel, si: SwapInfoStruct, offset: number): Task<SwapClusterInfo | null> {
  if (!si.vswap) return si.cluster(offset) ?? null;
  yield* k.m.pointShared(`xa_load(vswap_si cluster_info_pool, ${Math.floor(offset / si.clusterSize)})`, CLUSTER_POOL);
  return si.cluster(offset) ?? null;
}

/**
 * __swap_cluster_lock: the locked cluster of offset, or null when a dynamic cluster is gone. For vswap_si the
 * lookup runs under RCU and a cluster found DEAD after taking its lock is refused (the later STE revision routes
 * every vswap lookup through here). Fault 'ste-lookup-no-dead-check' is RFC v2's vswap_lock_cluster: a bare
 * lookup with no RCU section and no DEAD check.
 */
export function* __swap_cluster_lock(k: SwapTableKernel, si: SwapInfoStruct, offset: number, irq: boolean): Task<SwapClusterInfo | null> {
  const take = irq ? spin_lock_irq : spin_lock;
  if (!si.vswap) {
    const ci = si.cluster(offset)!;
    yield* take(k.m, ci.lock);
    return ci;
  }
  const bare = k.faultOn('ste-lookup-no-dead-check');
  if (!bare) yield* rcu_read_lock(k.m);
  let ci = yield* __swap_offset_to_cluster(k, si, offset);
  if (ci) {
    ci_access(k, ci, 'spin_lock(&ci->lock)');
    yield* take(k.m, ci.lock);
    if (!bare && ci.flags === 'DEAD') {
      yield* (irq ? spin_unlock_irq : spin_unlock)(k.m, ci.lock);
      ci = null;
    }
  }
  if (!bare) yield* rcu_read_unlock(k.m);
  return ci;
}

/** swap_cluster_lock */
export function swap_cluster_lock(k: SwapTableKernel, si: SwapInfoStruct, offset: number): Task<SwapClusterInfo | null> {
  return __swap_cluster_lock(k, si, offset, false);
}

/** swap_cluster_unlock: the lock lives in the cluster, so a freed dynamic cluster is written here (KASAN). */
export function* swap_cluster_unlock(k: SwapTableKernel, ci: SwapClusterInfo): Task {
  ci_access(k, ci, 'spin_unlock(&ci->lock)');
  yield* spin_unlock(k.m, ci.lock);
}
/** swap_cluster_unlock_irq */
export function* swap_cluster_unlock_irq(k: SwapTableKernel, ci: SwapClusterInfo): Task {
  ci_access(k, ci, 'spin_unlock_irq(&ci->lock)');
  yield* spin_unlock_irq(k.m, ci.lock);
}

/** The slot index of offset inside its cluster (swp_cluster_offset). */
export const ci_off = (si: SwapInfoStruct, offset: number): number => offset % si.clusterSize;
/** The first offset of a cluster. */
export const cluster_offset = (si: SwapInfoStruct, ci: SwapClusterInfo): number => ci.id * si.clusterSize;

/** __swap_table_get: ci->lock held. */
export function __swap_table_get(k: SwapTableKernel, ci: SwapClusterInfo, off: number): SwpTb {
  lockdep_assert_held(k.m, ci.lock);
  if (!ci.table) return k.m.fail('bug', `NULL pointer dereference: __swap_table_get on cluster ${ci.id}, which has no table`);
  k.m.access(ci.tableMem!, `swap table of cluster ${ci.id}`);
  return ci.table[off]!;
}

/** __swap_table_set: ci->lock held (ordering comes from the lock). */
export function __swap_table_set(k: SwapTableKernel, ci: SwapClusterInfo, off: number, tb: SwpTb): void {
  lockdep_assert_held(k.m, ci.lock);
  if (!ci.table) return k.m.fail('bug', `NULL pointer dereference: __swap_table_set on cluster ${ci.id}, which has no table`);
  k.m.access(ci.tableMem!, `swap table of cluster ${ci.id}`);
  ci.table[off] = tb;
}

/** swap_table_get: the lockless reader (RCU + one atomic read); a cluster without a table reads as free. */
export function* swap_table_get(k: SwapTableKernel, si: SwapInfoStruct, offset: number): Task<SwpTb> {
  yield* rcu_read_lock(k.m);
  const ci = yield* __swap_offset_to_cluster(k, si, offset);
  let tb: SwpTb = NULL_TB;
  if (ci) {
    ci_access(k, ci, 'rcu_dereference(ci->table)');
    // the table pointer (changed only with touchGuarded(ci->lock)), then the entry at a point of its own (every
    // locked write accesses the table's memory, as this read does; the lockless cache-only mark records the lock)
    k.m.touchGuarded(ci.lock);
    const table = ci.table;
    const mem = ci.tableMem;
    yield* k.m.pointShared(`swap_table_get ${si.index}:${offset}`, ci.lock);
    if (table && mem) {
      k.m.access(mem, `swap table of cluster ${ci.id} (RCU reader)`);
      tb = table[offset % si.clusterSize] ?? NULL_TB;
    }
  }
  yield* rcu_read_unlock(k.m);
  return tb;
}

/** The whole count of a slot: the inline count, or extend_table's when the inline one is COUNT_MAX. ci locked. */
export function swap_count_of(k: SwapTableKernel, ci: SwapClusterInfo, off: number): number {
  const tb = __swap_table_get(k, ci, off);
  if (tb.kind !== 'shadow' && tb.kind !== 'pfn') return 0;
  if (tb.count < k.countMax) return tb.count;
  return ci.extendTable?.[off] ?? k.m.fail('bug', `VM_WARN_ON: cluster ${ci.id} slot ${off} at COUNT_MAX without an extend table`);
}
