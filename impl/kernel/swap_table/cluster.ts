// Cluster lists and table lifetime (mm/swapfile.c): a device's clusters move between the free, nonfull[order],
// frag[order] and full lists under si->lock, their flag changing under ci->lock; a cluster's table exists while it
// is off the free list and is freed after an RCU grace period.
import type { LocalLock, Task } from '../sim.ts';
import {
  call_rcu,
  kfree,
  kmalloc,
  local_lock,
  local_unlock,
  lockdep_assert_held,
  spin_lock,
  spin_trylock,
  spin_unlock,
} from '../sim.ts';
import type { SwapTableKernel } from './kernel.ts';
import { ci_access } from './lock.ts';
import { flagRank, NULL_TB, type ClusterFlag, type SwapClusterInfo, type SwapInfoStruct, type SwpTb } from './types.ts';

/** The list a flag puts a cluster on (NONE and DEAD: none). */
export function listFor(si: SwapInfoStruct, flag: ClusterFlag, order: number): SwapClusterInfo[] | null {
  switch (flag) {
    case 'FREE':
      return si.freeClusters;
    case 'NONFULL':
      return si.nonfull[order]!;
    case 'FRAG':
      return si.frag[order]!;
    case 'FULL':
      return si.full;
    default:
      return null;
  }
}

/** list_del of a cluster from the list its flag names (si->lock held). */
export function list_del(si: SwapInfoStruct, ci: SwapClusterInfo): void {
  const list = listFor(si, ci.flags, ci.order);
  const i = list ? list.indexOf(ci) : -1;
  if (list && i >= 0) list.splice(i, 1);
}

/** cluster_is_usable: allocatable flag, a table, and (for a large order) empty or of this order. */
export function cluster_is_usable(ci: SwapClusterInfo, order: number): boolean {
  if (flagRank[ci.flags] > flagRank.FRAG || ci.table === null) return false;
  return order === 0 || ci.count === 0 || ci.order === order;
}

/** move_cluster: onto another list under si->lock; the flag changes after, under ci->lock only (as the kernel does). */
export function* move_cluster(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, newFlag: ClusterFlag): Task {
  lockdep_assert_held(k.m, ci.lock);
  k.warnOn(ci.flags === newFlag, `move_cluster: cluster ${ci.id} already ${newFlag}`);
  yield* spin_lock(k.m, si.lock);
  if (ci.flags !== 'NONE') list_del(si, ci);
  listFor(si, newFlag, ci.order)!.push(ci);
  yield* spin_unlock(k.m, si.lock);
  ci.flags = newFlag;
}

/**
 * swap_cluster_alloc_table: the table (and memcg table) of a cluster leaving the free list. With the virtual
 * layer, a physical cluster gets its memcg table only when a slot is used directly (STE v2 6/7), since slots that
 * back vswap slots are charged through the vswap cluster.
 */
export function* swap_cluster_alloc_table(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, gfp: 'GFP_KERNEL' | 'GFP_ATOMIC'): Task<number> {
  k.warnOn(ci.flags !== 'NONE' || ci.count !== 0, `swap_cluster_alloc_table: cluster ${ci.id} flags ${ci.flags} count ${ci.count}`);
  if (ci.table) return 0;
  const mem = yield* kmalloc(k.m, 'swap_table', gfp);
  if (!mem) return -12;
  const deferMemcg = k.vswap !== null && !si.vswap;
  let memcgMem = null;
  if (!deferMemcg) {
    memcgMem = yield* kmalloc(k.m, 'swap_memcg_table', gfp);
    if (!memcgMem) {
      kfree(k.m, mem);
      return -12;
    }
  }
  // (a lockless reader of the table pointer records the cluster's key: folio_maybe_swapped)
  k.m.touchGuarded(ci.lock);
  ci.table = new Array<SwpTb>(si.clusterSize).fill(NULL_TB);
  ci.tableMem = mem;
  if (memcgMem) {
    ci.memcgTable = new Array<number>(si.clusterSize).fill(0);
    ci.memcgMem = memcgMem;
  }
  return 0;
}

/** swap_cluster_free_table: the memcg table at once, the table after a grace period (RCU readers). */
export function* swap_cluster_free_table(k: SwapTableKernel, ci: SwapClusterInfo): Task {
  if (ci.memcgMem) kfree(k.m, ci.memcgMem);
  ci.memcgTable = null;
  ci.memcgMem = null;
  const mem = ci.tableMem;
  k.m.touchGuarded(ci.lock);
  ci.table = null;
  ci.tableMem = null;
  if (mem) yield* call_rcu(k.m, `swap_cluster_free_table ${ci.id}`, function* (m) {
    kfree(m, mem);
  });
}

/** swap_cluster_assert_empty: nothing but bad slots, no memcg id, no extend table. */
export function swap_cluster_assert_empty(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo): void {
  const bad = ci.table?.filter((tb) => tb.kind === 'bad').length ?? 0;
  const stray = ci.table?.findIndex((tb) => tb.kind !== 'null' && tb.kind !== 'bad') ?? -1;
  k.warnOn(stray >= 0, `swap_cluster_assert_empty: ${si.vswap ? 'vswap' : `swap${si.index}`} cluster ${ci.id} slot ${stray} is in use`);
  k.warnOn(ci.count !== bad, `swap_cluster_assert_empty: cluster ${ci.id} count ${ci.count} with ${bad} bad slots`);
  k.warnOn(ci.extendTable !== null, `swap_cluster_assert_empty: cluster ${ci.id} still has an extend table`);
  k.warnOn(ci.memcgTable?.some((id) => id !== 0) ?? false, `swap_cluster_assert_empty: cluster ${ci.id} still records a memcg`);
}

/** free_cluster: an emptied cluster goes back to the free list with its table freed (vswap_si: it is destroyed). */
export function* free_cluster(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo): Task {
  lockdep_assert_held(k.m, ci.lock);
  k.warnOn(ci.count !== 0 || ci.flags === 'FREE', `free_cluster: cluster ${ci.id} count ${ci.count} flags ${ci.flags}`);
  if (si.vswap) {
    yield* k.vswap!.vswap_free_cluster(ci);
    return;
  }
  // __free_cluster (no discard: the model's devices do not discard)
  swap_cluster_assert_empty(k, si, ci);
  yield* swap_cluster_free_table(k, ci);
  yield* move_cluster(k, si, ci, 'FREE');
  ci.order = 0;
}

/** partial_free_cluster: a cluster that had slots freed and is neither empty nor full goes on nonfull[order]. */
export function* partial_free_cluster(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo): Task {
  lockdep_assert_held(k.m, ci.lock);
  k.bugOn(ci.count === 0 || ci.count === si.clusterSize, `partial_free_cluster: cluster ${ci.id} count ${ci.count}`);
  if (ci.flags !== 'NONFULL') yield* move_cluster(k, si, ci, 'NONFULL');
}

/** relocate_cluster: after an allocation attempt, the cluster goes where its count says. */
export function* relocate_cluster(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo): Task {
  lockdep_assert_held(k.m, ci.lock);
  if (ci.flags === 'DISCARD') return;
  if (!ci.count) {
    if (ci.flags !== 'FREE') yield* free_cluster(k, si, ci);
  } else if (ci.count !== si.clusterSize) {
    if (ci.flags !== 'FRAG') yield* move_cluster(k, si, ci, 'FRAG');
  } else if (ci.flags !== 'FULL') {
    yield* move_cluster(k, si, ci, 'FULL');
  }
}

/**
 * swap_cluster_populate: the isolated free cluster gets a table: atomically first, else with every lock dropped
 * (the local lock `ll`, then ci->lock) and GFP_KERNEL, retaken in the same order. On failure it goes back to free.
 */
function* swap_cluster_populate(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, ll: LocalLock): Task<SwapClusterInfo | null> {
  lockdep_assert_held(k.m, ci.lock);
  if ((yield* swap_cluster_alloc_table(k, si, ci, 'GFP_ATOMIC')) === 0) return ci;
  yield* spin_unlock(k.m, ci.lock);
  yield* local_unlock(k.m, ll);
  const r = yield* alloc_table_unlocked(k, si, ci);
  yield* local_lock(k.m, ll);
  yield* spin_lock(k.m, ci.lock);
  if (r === 0 && ci.table) return ci;
  yield* move_cluster(k, si, ci, 'FREE');
  yield* spin_unlock(k.m, ci.lock);
  return null;
}

/** The GFP_KERNEL retry of swap_cluster_populate: allocated with no lock held, installed under ci->lock. */
function* alloc_table_unlocked(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo): Task<number> {
  // the cluster is isolated (flag NONE, empty): nobody else installs a table meanwhile
  return yield* swap_cluster_alloc_table(k, si, ci, 'GFP_KERNEL');
}

/**
 * isolate_lock_cluster: the first cluster of `list` whose lock can be taken without waiting (si->lock is held, the
 * reverse of the usual order), taken off the list (flag NONE) and returned locked; a free one gets its table.
 */
export function* isolate_lock_cluster(k: SwapTableKernel, si: SwapInfoStruct, list: SwapClusterInfo[], ll: LocalLock): Task<SwapClusterInfo | null> {
  let found: SwapClusterInfo | null = null;
  let was: ClusterFlag = 'NONE';
  yield* spin_lock(k.m, si.lock);
  for (const ci of [...list]) {
    ci_access(k, ci, 'isolate_lock_cluster');
    if (!(yield* spin_trylock(k.m, ci.lock))) continue;
    k.bugOn(ci.flags === 'NONE' || (flagRank[ci.flags] > flagRank.FRAG && ci.flags !== 'FULL'), `isolate_lock_cluster: cluster ${ci.id} flags ${ci.flags}`);
    list_del(si, ci);
    was = ci.flags;
    ci.flags = 'NONE';
    found = ci;
    break;
  }
  yield* spin_unlock(k.m, si.lock);
  if (found && was === 'FREE') {
    k.warnOn(list !== si.freeClusters || found.table !== null, `isolate_lock_cluster: free cluster ${found.id} in the wrong state`);
    return yield* swap_cluster_populate(k, si, found, ll);
  }
  return found;
}
