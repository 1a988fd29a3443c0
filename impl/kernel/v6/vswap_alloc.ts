// Virtual slot allocation and cluster lifetime (mm/vswap.c): folio_alloc_swap's three-step search (per-CPU
// cached cluster, partial list, new cluster), cluster release after an RCU grace period, and the CPU-dead hook.
import type { Folio } from '../mm/folio.ts';
import type { V6Kernel } from './design.ts';
import { mem_cgroup_from_id, mem_cgroup_get_swap_memcgid, mem_cgroup_id_put_many } from '../mm/memcontrol.ts';
import type { Task } from '../sim.ts';
import {
  call_rcu,
  kfree,
  kmalloc,
  local_lock,
  local_unlock,
  lockdep_assert_held,
  rcu_read_lock,
  rcu_read_unlock,
  refcount_add,
  refcount_set,
  sched,
  refcount_dec,
  refcount_inc,
  refcount_sub_and_test,
  spin_lock,
  spin_trylock,
  spin_unlock,
} from '../sim.ts';
import type { SwpEntry } from './vswap_types.ts';
import { VswapCluster, idxWithin } from './vswap_types.ts';

/** cluster_is_alloc_candidate */
export function cluster_is_alloc_candidate(k: V6Kernel, c: VswapCluster): boolean {
  return c.count + (1 << c.order) <= k.clusterSize;
}

function list_del_init(k: V6Kernel, c: VswapCluster): void {
  if (!c.onList) return;
  const list = k.partial[c.order]!;
  list.splice(list.indexOf(c), 1);
  c.onList = false;
}
function list_add(k: V6Kernel, c: VswapCluster, tail: boolean): void {
  const list = k.partial[c.order]!;
  if (tail) list.push(c);
  else list.unshift(c);
  c.onList = true;
}

/** __vswap_alloc_from_cluster: initialises the descriptors of a fresh range. */
function __vswap_alloc_from_cluster(k: V6Kernel, c: VswapCluster, start: number, folio: Folio, memcgid: number): void {
  const nr = 1 << c.order;
  for (let i = 0; i < nr; i++) {
    const d = c.descriptors[start + i]!;
    d.type = 'FOLIO';
    d.swapCache = folio;
    d.memcgid = memcgid;
    d.swapCount = 0;
    d.inSwapcache = true;
  }
  c.count += nr;
  k.allocInFlight.add(folio);
}

function emitAlloc(k: V6Kernel, c: VswapCluster, start: number): void {
  for (let i = 0; i < 1 << c.order; i++) k.emitVirtual(c, c.id * k.clusterSize + start + i, 'ALLOC', 'folio_alloc_swap');
}

/** vswap_alloc_from_cluster: first free aligned range of the cluster's order; 0 if none. Cluster lock held. */
function* vswap_alloc_from_cluster(k: V6Kernel, c: VswapCluster, folio: Folio, memcgid: number): Task<SwpEntry> {
  const nr = 1 << c.order;
  lockdep_assert_held(k.m, c.lock);
  if (!cluster_is_alloc_candidate(k, c)) return 0;
  let start = -1;
  // cluster 0 never hands out slot 0 (entry 0 means "no entry"): its first range is skipped
  for (let i = c.id ? 0 : nr; i + nr <= k.clusterSize && start < 0; i += nr) {
    if (c.bitmap.slice(i, i + nr).every((b) => !b)) start = i;
  }
  if (start < 0) return 0;
  for (let i = 0; i < nr; i++) c.bitmap[start + i] = true;
  // (the kernel adds the refcount first; under the cluster lock the order is invisible, and adding it last keeps
  // the yield of refcount_add from splitting the bitmap set from the descriptor init and its ALLOC record)
  __vswap_alloc_from_cluster(k, c, start, folio, memcgid);
  emitAlloc(k, c, start);
  yield* refcount_add(k.m, c.refcnt, nr);
  return start + c.id * k.clusterSize;
}

/**
 * xa_alloc on vswap_cluster_map: stores the (still zeroed) cluster at the lowest free id at or above min. From
 * the unlock on, RCU readers (xa_load) can find it.
 */
function* xa_alloc(k: V6Kernel, min: number, make: (id: number) => VswapCluster): Task<VswapCluster> {
  yield* spin_lock(k.m, k.xaLock);
  let id = min;
  while (k.clusterMap.has(id)) id++;
  const c = make(id);
  k.clusterMap.set(id, c);
  yield* spin_unlock(k.m, k.xaLock);
  return c;
}

/** A lookup reached a published cluster's lock before folio_alloc_swap ran spin_lock_init on it. */
function earlyLock(k: V6Kernel): (c: VswapCluster) => never {
  return (c) =>
    k.m.fail('bug', `spin_lock on vswap cluster ${c.id}'s lock before spin_lock_init (cluster published by xa_alloc, not yet initialised)`);
}

/**
 * The new-cluster step of folio_alloc_swap, in the kernel's order: the zeroed cluster (refcnt 0, lock not
 * initialised) is published by xa_alloc first; spin_lock_init, refcount_set, the descriptor init and the bitmap
 * set follow as plain stores with no lock held. Until refcount_set a stale tryget_swap_entry fails.
 */
function* vswap_alloc_new_cluster(k: V6Kernel, order: number, folio: Folio, memcgid: number): Task<{ c: VswapCluster; entry: SwpEntry } | null> {
  const m = k.m;
  const nr = 1 << order;
  const mem = yield* kmalloc(m, 'vswap_cluster', 'GFP_KERNEL');
  if (!mem) return null;
  const min = nr === k.clusterSize ? 1 : 0;
  const c = yield* xa_alloc(
    k,
    min,
    (id) => new VswapCluster(id, order, k.clusterSize, m.spinlock('vswap_cluster->lock'), m.refcount('vswap_cluster->refcnt', 0), mem, earlyLock(k)),
  );
  yield* sched(m, `spin_lock_init(vswap cluster ${c.id})`);
  m.access(c.mem, `vswap cluster ${c.id}`);
  c.spinLockInit();
  yield* refcount_set(m, c.refcnt, nr);
  const start = c.id ? 0 : nr;
  yield* sched(m, `__vswap_alloc_from_cluster(vswap cluster ${c.id})`);
  __vswap_alloc_from_cluster(k, c, start, folio, memcgid);
  yield* sched(m, `bitmap_set(vswap cluster ${c.id})`);
  for (let i = 0; i < nr; i++) c.bitmap[start + i] = true;
  emitAlloc(k, c, start);
  return { c, entry: c.id * k.clusterSize + start };
}

/** folio_alloc_swap: gives the locked folio a range of virtual slots and puts it in the swap cache. */
export function* folio_alloc_swap(k: V6Kernel, folio: Folio): Task<boolean> {
  const m = k.m;
  const order = folio.order;
  const nr = folio.nr;
  k.bugOn(!folio.uptodate, `folio_alloc_swap: ${folio} not uptodate`);
  const memcgid = mem_cgroup_get_swap_memcgid(k, folio);
  let entry: SwpEntry = 0;
  let needCaching = true;
  let cluster: VswapCluster | null = null;

  // 1. the cluster cached on this CPU
  yield* rcu_read_lock(m);
  yield* local_lock(m, k.percpuLock);
  let cpu = m.cpu();
  cluster = k.percpuClusters[cpu]![order] ?? null;
  if (cluster) {
    m.access(cluster.mem, `vswap cluster ${cluster.id}`);
    yield* spin_lock(m, cluster.lock);
    entry = yield* vswap_alloc_from_cluster(k, cluster, folio, memcgid);
    needCaching = !entry;
    if (!entry || !cluster_is_alloc_candidate(k, cluster)) {
      k.percpuClusters[cpu]![order] = null;
      cluster.cached = false;
      yield* refcount_dec(m, cluster.refcnt);
      cluster.full = true;
    }
    yield* spin_unlock(m, cluster.lock);
  }
  yield* local_unlock(m, k.percpuLock);
  yield* rcu_read_unlock(m);

  // 2. an uncached partial cluster of this order (trylock: this is the reverse of the usual lock order)
  if (!entry) {
    cluster = null;
    yield* spin_lock(m, k.xaLock);
    for (const c of [...k.partial[order]!]) {
      m.access(c.mem, `vswap cluster ${c.id}`);
      // fault 'partial-scan-spin-lock': the reverse order taken with a blocking lock
      if (k.faultOn('partial-scan-spin-lock')) yield* spin_lock(m, c.lock);
      else if (!(yield* spin_trylock(m, c.lock))) continue;
      entry = yield* vswap_alloc_from_cluster(k, c, folio, memcgid);
      list_del_init(k, c);
      c.full = !entry || !cluster_is_alloc_candidate(k, c);
      needCaching = !c.full;
      yield* spin_unlock(m, c.lock);
      if (entry) {
        cluster = c;
        break;
      }
    }
    yield* spin_unlock(m, k.xaLock);
  }

  // 3. a new cluster
  if (!entry) {
    const fresh = yield* vswap_alloc_new_cluster(k, order, folio, memcgid);
    if (fresh) {
      entry = fresh.entry;
      needCaching = cluster_is_alloc_candidate(k, fresh.c);
      cluster = fresh.c;
    }
  }

  if (needCaching && entry && cluster) {
    yield* local_lock(m, k.percpuLock);
    cpu = m.cpu();
    const local = k.percpuClusters[cpu]![order] ?? null;
    if (local !== cluster) {
      if (local) {
        m.access(local.mem, `vswap cluster ${local.id}`);
        yield* spin_lock(m, local.lock);
        // replace the cached cluster only once it is full
        needCaching = !cluster_is_alloc_candidate(k, local);
        if (needCaching) {
          k.percpuClusters[cpu]![order] = null;
          local.cached = false;
          yield* refcount_dec(m, local.refcnt);
        }
        yield* spin_unlock(m, local.lock);
      }
      yield* spin_lock(m, cluster.lock);
      if (cluster_is_alloc_candidate(k, cluster)) {
        if (needCaching) {
          k.percpuClusters[cpu]![order] = cluster;
          yield* refcount_inc(m, cluster.refcnt);
          cluster.cached = true;
        } else {
          yield* spin_lock(m, k.xaLock);
          k.warnOn(cluster.onList, `folio_alloc_swap: cluster ${cluster.id} already on a list`);
          list_add(k, cluster, false);
          yield* spin_unlock(m, k.xaLock);
        }
      }
      yield* spin_unlock(m, cluster.lock);
    }
    yield* local_unlock(m, k.percpuLock);
  }

  if (entry) {
    k.vswapUsed += nr;
    folio.refs += nr;
    folio.swapcache = true;
    folio.swap = entry;
    k.allocInFlight.delete(folio);
    return true;
  }
  k.vswapAllocReject += nr;
  const memcg = mem_cgroup_from_id(k, memcgid);
  if (memcg) mem_cgroup_id_put_many(k, memcg, nr);
  return false;
}

/** vswap_cluster_free: unpublishes an empty, uncached cluster and frees it after a grace period. */
export function* vswap_cluster_free(k: V6Kernel, c: VswapCluster): Task {
  k.warnOn(c.count !== 0 || c.cached, `vswap_cluster_free: cluster ${c.id} count ${c.count} cached ${c.cached}`);
  lockdep_assert_held(k.m, c.lock);
  yield* spin_lock(k.m, k.xaLock);
  list_del_init(k, c);
  k.clusterMap.delete(c.id);
  yield* spin_unlock(k.m, k.xaLock);
  if (k.faultOn('cluster-free-no-rcu')) {
    // fault 'cluster-free-no-rcu': readers that found the cluster under RCU are not waited for
    k.m.trace(`vswap cluster ${c.id} freed (at once)`);
    kfree(k.m, c.mem);
    return;
  }
  k.m.trace(`vswap cluster ${c.id} freed (RCU)`);
  yield* call_rcu(k.m, `vswap_cluster_free_rcu ${c.id}`, function* (m) {
    kfree(m, c.mem);
  });
}

/** release_vswap_slot_nr: clears the allocation bits and drops the slots' cluster references. Lock held. */
export function* release_vswap_slot_nr(k: V6Kernel, c: VswapCluster, index: SwpEntry, nr: number): Task {
  const start = idxWithin(index, k.clusterSize);
  lockdep_assert_held(k.m, c.lock);
  c.count -= nr;
  for (let i = 0; i < nr; i++) c.bitmap[start + i] = false;
  for (let i = 0; i < nr; i++) k.emitVirtual(c, index + i, 'FREE', 'vswap_free_nr');
  if (yield* refcount_sub_and_test(k.m, c.refcnt, nr)) {
    yield* vswap_cluster_free(k, c);
  } else if (c.full && cluster_is_alloc_candidate(k, c)) {
    c.full = false;
    if (!c.cached) {
      yield* spin_lock(k.m, k.xaLock);
      k.warnOn(c.onList, `release_vswap_slot_nr: cluster ${c.id} already on a list`);
      list_add(k, c, true);
      yield* spin_unlock(k.m, k.xaLock);
    }
  }
  k.vswapUsed -= nr;
}
