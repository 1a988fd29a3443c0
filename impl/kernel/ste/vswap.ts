// The Swap Table Edition's virtual layer (mm/vswap.c, and its branches in mm/swapfile.c): vswap_si, a ghost swap
// device whose clusters are created on demand (alloc_swap_scan_dynamic), kept in an xarray, and destroyed when they
// empty (vswap_free_cluster: unlinked, erased, marked DEAD under their lock, freed after RCU). Its slots are
// allocated first (vswap_alloc, with a per-CPU offset cache of its own); physical slots come later.
import type { Folio } from '../mm/folio.ts';
import { mem_cgroup_from_id, mem_cgroup_id_put_many } from '../mm/memcontrol.ts';
import type { LocalLock, SpinLock, Task } from '../sim.ts';
import { kfree, kfree_rcu, kmalloc, kmalloc_plain, local_lock, local_unlock, sched, spin_lock, spin_unlock } from '../sim.ts';
import { alloc_swap_scan_cluster, cluster_alloc_swap_entry } from '../swap_table/alloc.ts';
import { cluster_is_usable, list_del, swap_cluster_free_table } from '../swap_table/cluster.ts';
import type { SwapTableKernel, VswapLayer } from '../swap_table/kernel.ts';
import { __swap_table_get, ci_off, cluster_offset, swap_cluster_lock, swap_cluster_unlock } from '../swap_table/lock.ts';
import { __swap_cgroup_set } from '../swap_table/memcg.ts';
import { BAD_TB, CLUSTER_POOL, NULL_TB, SWP_TYPE_SHIFT, SwapClusterInfo, SwapInfoStruct, VT_NONE, type PercpuCluster, type SwpTb, type VtEntry } from '../swap_table/types.ts';
import { __vswap_release_backing, __vtable_get, set_rmap_cache_only } from './backing.ts';
import { try_to_reclaim_vswap_backing, try_to_unuse_vswap } from './reclaim.ts';

/** The physical entries whose cache-only bit the faulty put sets after unlocking ('ste-cache-only-mark-unlocked'). */
type PendingMark = Extract<VtEntry, { tag: 'SWAPFILE' }>;

export class Vswap implements VswapLayer {
  readonly si: SwapInfoStruct;
  readonly percpu: PercpuCluster[];
  readonly percpuLock: LocalLock;
  /** xa_lock of si->cluster_info_pool. */
  readonly poolLock: SpinLock;
  private readonly pendingMarks: PendingMark[] = [];

  /** vswap_init (late_initcall): vswap_si of swap type 0, cluster 0 pre-allocated with slot 0 bad. */
  constructor(private readonly k: SwapTableKernel) {
    const m = k.m;
    const cs = k.config.clusterSize;
    this.si = new SwapInfoStruct(m, -1, 0, 2 ** SWP_TYPE_SHIFT, cs, [], k.nrOrders, true);
    this.percpuLock = m.localLock('percpu_vswap_cluster.lock');
    this.percpu = Array.from({ length: m.cpus }, () => ({ si: [], offset: new Array<number>(k.nrOrders).fill(0) }));
    this.poolLock = m.spinlock('cluster_info_pool.xa_lock');
    const ci0 = new SwapClusterInfo(0, m.spinlock('swap_cluster_info->lock'), {
      index: 0,
      mem: kmalloc_plain(m, 'swap_cluster_info_dynamic'),
      vtable: new Array<VtEntry>(cs).fill(VT_NONE),
      vtableMem: kmalloc_plain(m, 'virtual_table'),
    });
    ci0.table = new Array<SwpTb>(cs).fill(NULL_TB);
    ci0.table[0] = BAD_TB;
    ci0.tableMem = kmalloc_plain(m, 'swap_table');
    ci0.memcgTable = new Array<number>(cs).fill(0);
    ci0.memcgMem = kmalloc_plain(m, 'swap_memcg_table');
    ci0.count = 1;
    this.si.clusterInfo.set(0, ci0);
    this.si.on = this.si.writeOk = this.si.usersLive = true;
  }

  /** vswap_alloc: the hinted cluster, else the lists and a new dynamic cluster; true when the folio got slots. */
  *vswap_alloc(folio: Folio): Task<boolean> {
    const { k, si } = this;
    const order = folio.order;
    yield* local_lock(k.m, this.percpuLock);
    let off = this.percpu[k.m.cpu()]!.offset[order]!;
    if (off) {
      const ci = yield* swap_cluster_lock(k, si, off);
      if (ci) {
        if (cluster_is_usable(ci, order)) {
          if (!ci.count) off = cluster_offset(si, ci);
          yield* alloc_swap_scan_cluster(k, si, ci, folio, off);
        } else {
          yield* swap_cluster_unlock(k, ci);
        }
      }
    }
    if (!folio.swapcache) yield* cluster_alloc_swap_entry(k, si, folio);
    if (folio.swapcache) {
      yield* local_unlock(k.m, this.percpuLock);
      k.vswapUsed += folio.nr;
      return true;
    }
    this.percpu[k.m.cpu()]!.offset[order] = 0;
    yield* local_unlock(k.m, this.percpuLock);
    k.vswapAllocReject += folio.nr;
    return false;
  }

  /**
   * alloc_swap_scan_dynamic: a new cluster (GFP_ATOMIC: the local lock is held) with its swap table, memcg table
   * and virtual table, published in the pool at the lowest free index from 1, locked and scanned.
   */
  *alloc_swap_scan_dynamic(folio: Folio): Task<number> {
    const { k, si } = this;
    const m = k.m;
    const mem = yield* kmalloc(m, 'swap_cluster_info_dynamic', 'GFP_ATOMIC');
    if (!mem) return 0;
    const tableMem = yield* kmalloc(m, 'swap_table', 'GFP_ATOMIC');
    const memcgMem = tableMem ? yield* kmalloc(m, 'swap_memcg_table', 'GFP_ATOMIC') : null;
    const vtableMem = memcgMem ? yield* kmalloc(m, 'virtual_table', 'GFP_ATOMIC') : null;
    if (!tableMem || !memcgMem || !vtableMem) {
      for (const h of [vtableMem, memcgMem, tableMem, mem]) if (h) kfree(m, h);
      return 0;
    }
    const ci = new SwapClusterInfo(-1, m.spinlock('swap_cluster_info->lock'), { index: -1, mem, vtable: new Array<VtEntry>(si.clusterSize).fill(VT_NONE), vtableMem });
    m.touchGuarded(ci.lock);
    ci.table = new Array<SwpTb>(si.clusterSize).fill(NULL_TB);
    ci.tableMem = tableMem;
    ci.memcgTable = new Array<number>(si.clusterSize).fill(0);
    ci.memcgMem = memcgMem;
    // The cluster is locked before xa_alloc publishes it (it cannot spin: nobody can find it yet; ci->lock then
    // xa_lock, as vswap_free_cluster nests them). Published unlocked, as RFC v1/v2 and the P4 ghost-swapfile RFC
    // do, a CPU whose per-CPU offset hint names the reused index can allocate in the new cluster and free it again,
    // destroying it before its creator takes the lock and scans a DEAD cluster with no table (fault
    // 'ste-dynamic-publish-unlocked'; found by this suite, not a known report).
    const lockFirst = !k.faultOn('ste-dynamic-publish-unlocked');
    if (lockFirst) yield* spin_lock(m, ci.lock);
    // xa_alloc(&si->cluster_info_pool, &ci_dyn->index, ci_dyn, [1, max / SWAPFILE_CLUSTER - 1], GFP_ATOMIC)
    yield* spin_lock(m, this.poolLock);
    let id = 1;
    while (si.clusterInfo.has(id)) id++;
    const ok = id < si.slots / si.clusterSize;
    m.touchShared(CLUSTER_POOL);
    if (ok) {
      ci.id = ci.dyn!.index = id;
      si.clusterInfo.set(id, ci);
    }
    yield* spin_unlock(m, this.poolLock);
    if (!ok) {
      if (lockFirst) yield* spin_unlock(m, ci.lock);
      for (const h of [vtableMem, memcgMem, tableMem, mem]) kfree(m, h);
      return 0;
    }
    if (!lockFirst) yield* spin_lock(m, ci.lock);
    return yield* alloc_swap_scan_cluster(k, si, ci, folio, cluster_offset(si, ci));
  }

  /**
   * vswap_free_cluster: the emptied cluster (locked) leaves its list, its tables are freed (the virtual and memcg
   * tables at once, the swap table after RCU), it is erased from the pool, marked DEAD, and freed after RCU.
   */
  *vswap_free_cluster(ci: SwapClusterInfo): Task {
    const { k, si } = this;
    const m = k.m;
    if (ci.flags !== 'NONE') {
      yield* spin_lock(m, si.lock);
      list_del(si, ci);
      yield* spin_unlock(m, si.lock);
    }
    yield* swap_cluster_free_table(k, ci);
    const d = ci.dyn!;
    if (d.vtableMem) kfree(m, d.vtableMem);
    d.vtable = null;
    d.vtableMem = null;
    yield* spin_lock(m, this.poolLock);
    m.touchShared(CLUSTER_POOL);
    si.clusterInfo.delete(d.index);
    yield* spin_unlock(m, this.poolLock);
    ci.flags = 'DEAD';
    if (k.faultOn('ste-cluster-free-no-rcu')) {
      // fault 'ste-cluster-free-no-rcu': readers that found the cluster, and this caller's unlock, are not waited for
      kfree(m, d.mem);
      return;
    }
    yield* kfree_rcu(m, `vswap cluster ${ci.id}`, d.mem);
  }

  __vswap_release_backing(ci: SwapClusterInfo, start: number, nr: number): Task {
    return __vswap_release_backing(this.k, ci, start, nr);
  }

  /** vswap_mark_cache_only (vswap ci->lock held): a SWAPFILE slot's physical entry gets the cache-only bit. */
  vswap_mark_cache_only(ci: SwapClusterInfo, off: number): void {
    const vt = __vtable_get(this.k, ci, off);
    if (vt.tag !== 'SWAPFILE') return;
    if (this.k.faultOn('ste-cache-only-mark-unlocked')) this.pendingMarks.push(vt);
    else set_rmap_cache_only(this.k, vt, true);
  }

  /** Fault 'ste-cache-only-mark-unlocked': the marks are made after the unlock, each a plain read then write. */
  *after_put_cluster_unlock(): Task {
    const k = this.k;
    while (this.pendingMarks.length) {
      const vt = this.pendingMarks.shift()!;
      const si = k.swapInfo(vt.type)!;
      const pci = si.cluster(vt.offset)!;
      const i = vt.offset % si.clusterSize;
      const table = pci.table;
      const mem = pci.tableMem;
      const tb = table?.[i];
      yield* sched(k.m, `swap_rmap_mark_cache_only swap${si.index}:${vt.offset} (plain store)`);
      if (!table || !mem || tb?.kind !== 'ptr') continue;
      k.m.touchGuarded(pci.lock);
      k.m.access(mem, `swap table of swap${si.index} cluster ${pci.id}`);
      table[i] = { ...tb, cacheOnly: true };
    }
  }

  /** vswap_clear_cache_only: slots whose count went 0 -> 1 in a successful dup are not cache-only any more. */
  vswap_clear_cache_only(ci: SwapClusterInfo, start: number, nr: number): void {
    for (let i = start; i < start + nr; i++) {
      const tb = __swap_table_get(this.k, ci, i);
      const vt = __vtable_get(this.k, ci, i);
      if (tb.kind === 'pfn' && tb.count === 1 && vt.tag === 'SWAPFILE') set_rmap_cache_only(this.k, vt, false);
    }
  }

  /** __mem_cgroup_record_swap: vswap slots record their memcg (with id references) but charge nothing. */
  *mem_cgroup_record_swap(folio: Folio): Task {
    const k = this.k;
    const memcg = mem_cgroup_from_id(k, folio.memcg);
    if (k.memsw || !memcg || !folio.swapcache) return;
    memcg.idRefs += folio.nr;
    const off = folio.swap % 2 ** SWP_TYPE_SHIFT;
    const ci = yield* swap_cluster_lock(k, this.si, off);
    if (!ci) return k.m.fail('bug', `mem_cgroup_record_swap: ${folio}'s vswap cluster is gone`);
    __swap_cgroup_set(k, ci, ci_off(this.si, off), folio.nr, memcg.id);
    yield* swap_cluster_unlock(k, ci);
  }

  /** __mem_cgroup_id_put_swap: the id references of freed vswap slots. */
  mem_cgroup_id_put_swap(id: number, nr: number): void {
    const memcg = mem_cgroup_from_id(this.k, id);
    if (memcg) mem_cgroup_id_put_many(this.k, memcg, nr);
  }

  try_to_reclaim_vswap_backing(si: SwapInfoStruct, offset: number): Task<number> {
    return try_to_reclaim_vswap_backing(this.k, si, offset);
  }

  try_to_unuse_vswap(si: SwapInfoStruct): Task {
    return try_to_unuse_vswap(this.k, si);
  }
}

