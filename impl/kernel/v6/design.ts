// The v6 design: the virtual swap layer of the "Virtual Swap Space" series (v6, May 2026) — an xarray of vswap
// clusters of 24-byte swp_desc descriptors (mm/vswap.c), over physical devices with two bitmaps and a reverse map.
// V6Kernel holds its state; `swap` binds the operations the shared mm code calls (see ../swap.ts).
import type { SlotEventListener, VirtualEventType, VirtualSlotView } from '../../../model/events.ts';
import type { KernelConfig } from '../config.ts';
import { nrOrders } from '../config.ts';
import { Kernel } from '../kernel.ts';
import type { Folio } from '../mm/folio.ts';
import type { LocalLock, Machine, SpinLock } from '../sim.ts';
import { refcount_read, spin_is_locked, spin_lock_irqsave, spin_unlock_irqrestore } from '../sim.ts';
import type { ClusterSnapshot, SlotSnapshot, SwapOps, SwpEntry } from '../swap.ts';
import { __swap_cgroup_record, lookup_swap_cgroup_id, swap_cgroup_clear, swap_cgroup_record } from './vswap_memcg.ts';
import { swap_read_source, swap_writeout } from './page_io.ts';
import { __read_swap_cache_async } from './swap_state.ts';
import { SwapDevice } from './swapfile.ts';
import { setup_swap_device, swapoff_teardown, try_to_unuse } from './swapoff.ts';
import { folio_alloc_swap } from './vswap_alloc.ts';
import { vswap_store_folio, zswap_entry_load, zswap_entry_store } from './vswap_backing.ts';
import {
  __vswap_remove_mapping,
  folio_free_swap,
  put_swap_entry,
  swap_cache_get_folio,
  swap_cache_lock_irq,
  swap_cache_unlock_irq,
  tryget_swap_entry,
} from './vswap_cache.ts';
import { free_swap_and_cache_nr, swap_duplicate_nr, swap_free_nr } from './vswap_free.ts';
import { vswap_cpu_dead } from './vswap_hotplug.ts';
import { xa_load } from './vswap_iter.ts';
import type { VswapCluster } from './vswap_types.ts';
import { clusterIdx, idxWithin, isShadow } from './vswap_types.ts';
import { zswap_writeback_entry } from './zswap.ts';
import { releaseChecker } from './invariants.ts';
import { metadataCounts } from './metadata.ts';

export class V6Kernel extends Kernel {
  readonly swap: SwapOps;
  readonly devices: SwapDevice[];

  // mm/vswap.c
  /** vswap_cluster_map: cluster id -> cluster. */
  readonly clusterMap = new Map<number, VswapCluster>();
  /** xa_lock(&vswap_cluster_map), also the global allocator lock. */
  readonly xaLock: SpinLock;
  /** partial_clusters_lists[order] */
  readonly partial: VswapCluster[][];
  /** percpu_vswap_cluster.clusters[order], per CPU. */
  readonly percpuClusters: (VswapCluster | null)[][];
  /** percpu_vswap_cluster.lock */
  readonly percpuLock: LocalLock;
  /** vswap_used */
  vswapUsed = 0;
  /** vswap_alloc_reject */
  vswapAllocReject = 0;
  /**
   * Instrumentation only (not kernel state): the virtual slots vswap_alloc_swap_slot is giving physical backing, from
   * before the allocation (which sets the reverse map) to the descriptor update. The lock-release invariants
   * recognise a physical slot mapping back to one of them as in flight.
   */
  readonly physInFlight = new Set<SwpEntry>();
  /** Instrumentation only: folios folio_alloc_swap has given descriptors but not yet folio->swap and the flag. */
  readonly allocInFlight = new Set<Folio>();

  constructor(m: Machine, config: KernelConfig, listener?: SlotEventListener) {
    super(m, config, listener);
    this.xaLock = m.spinlock('vswap_cluster_map.xa_lock');
    this.percpuLock = m.localLock('percpu_vswap_cluster.lock');
    const orders = nrOrders(config);
    this.partial = Array.from({ length: orders }, () => []);
    this.percpuClusters = Array.from({ length: m.cpus }, () => new Array<VswapCluster | null>(orders).fill(null));
    this.devices = config.devices.map((d, i) => new SwapDevice(m, i, d.slots, d.clusterSize, d.bad ?? []));
    this.swap = v6SwapOps(this);
  }

  /** Instrumentation: one record per change of one virtual slot, with the descriptor's view right after it. */
  emitVirtual(cluster: VswapCluster, slot: number, event: VirtualEventType, by: string): void {
    const i = idxWithin(slot, this.clusterSize);
    this.warnOn(clusterIdx(slot, this.clusterSize) !== cluster.id, `slot ${slot} is not in cluster ${cluster.id}`);
    const d = cluster.descriptors[i]!;
    this.emitVirtualView(slot, event, by, { allocated: cluster.bitmap[i]!, swapCount: d.swapCount, inSwapcache: d.inSwapcache, type: d.type });
  }
}

/** The kernel of a world built with design 'v6' (tests and v6-only tools); anything else is a test bug. */
export function asV6(k: Kernel): V6Kernel {
  if (!(k instanceof V6Kernel)) throw new Error(`expected the v6 design, got '${k.config.design}'`);
  return k;
}

function v6SwapOps(k: V6Kernel): SwapOps {
  return {
    design: 'v6',
    folio_alloc_swap: (folio) => folio_alloc_swap(k, folio),
    get_swap_device: (entry) => tryget_swap_entry(k, entry),
    put_swap_device: (entry, ref) => put_swap_entry(k, entry, ref),
    swap_cache_get_folio: (entry) => swap_cache_get_folio(k, entry),
    read_swap_cache_async: (entry, ref, memcg) => __read_swap_cache_async(k, entry, ref, memcg),
    folio_free_swap: (folio) => folio_free_swap(k, folio),
    folio_dup_swap: (_folio, entry) => swap_duplicate_nr(k, entry, 1),
    swap_dup_entries_direct: function* (entry, nr) {
      const err = yield* swap_duplicate_nr(k, entry, nr);
      return { done: err ? 0 : nr, err };
    },
    // a v6 swap count is an unsigned int: fork never sees an overflow to retry
    swap_retry_table_alloc: function* (entry) {
      return k.m.fail('bug', `swap_retry_table_alloc(${entry}) on v6, whose swap_duplicate_nr cannot fail for lack of memory`);
    },
    folio_put_swap: (_folio, entry) => swap_free_nr(k, entry, 1),
    swap_put_entries_direct: (entry, nr) => free_swap_and_cache_nr(k, entry, nr),
    swap_cache_lock_irq: (entry) => swap_cache_lock_irq(k, entry),
    swap_cache_unlock_irq: (entry) => swap_cache_unlock_irq(k, entry),
    remove_mapping_swapcache: (folio, entry, shadow) => __vswap_remove_mapping(k, folio, entry, shadow),
    swap_cache_lock_irqsave: function* (entry) {
      const c = yield* xa_load(k, clusterIdx(entry, k.clusterSize));
      if (!c) return null;
      const flags = yield* spin_lock_irqsave(k.m, c.lock);
      return { token: c, flags };
    },
    swap_cache_unlock_irqrestore: function* (_entry, held) {
      yield* spin_unlock_irqrestore(k.m, (held.token as VswapCluster).lock, held.flags as never);
    },
    __swap_cgroup_record: (folio, memcgid, entry, token) => __swap_cgroup_record(k, token as VswapCluster, folio, memcgid, entry),
    swap_cgroup_record: (folio, memcgid, entry) => swap_cgroup_record(k, folio, memcgid, entry),
    lookup_swap_cgroup_id: (entry) => lookup_swap_cgroup_id(k, entry),
    swap_cgroup_clear: (entry, nr) => swap_cgroup_clear(k, entry, nr),
    swap_writeout: (folio) => swap_writeout(k, folio),
    swap_read_source: (folio) => swap_read_source(k, folio),
    zswap_entry_store: (entry, ze) => zswap_entry_store(k, entry, ze),
    zswap_entry_load: (entry) => zswap_entry_load(k, entry),
    zswap_store_rollback: function* (folio: Folio, stored: number) {
      if (stored > 0) yield* vswap_store_folio(k, folio.swap, folio, 'zswap_store');
    },
    zswap_load_invalidate: (folio) => vswap_store_folio(k, folio.swap, folio, 'zswap_load'),
    zswap_writeback_entry: (ze, swpentry) => zswap_writeback_entry(k, ze, swpentry),
    setup_swap_device: (si) => setup_swap_device(k, si as SwapDevice),
    try_to_unuse: (si) => try_to_unuse(k, si as SwapDevice),
    swapoff_teardown: (si) => swapoff_teardown(k, si as SwapDevice),
    cpu_dead: (cpu) => vswap_cpu_dead(k, cpu),
    clusterSizeOf: () => k.clusterSize,
    slotView: (entry) => slotView(k, entry),
    inspectSlots: () => inspectSlots(k),
    inspectClusters: () => inspectClusters(k),
    quiescenceProblems: () => quiescenceProblems(k),
    slotLocked: (entry) => {
      const c = k.clusterMap.get(clusterIdx(entry, k.clusterSize));
      return c !== undefined && c.lockInitialised && spin_is_locked(k.m, c.lock);
    },
    describeSlot: (entry) => `vswap ${entry}`,
    releaseChecker: () => releaseChecker(k),
    metadata: () => [{ design: 'v6', counts: metadataCounts(k) }],
  };
}

function slotView(k: V6Kernel, entry: SwpEntry): VirtualSlotView {
  const c = k.clusterMap.get(clusterIdx(entry, k.clusterSize));
  const i = idxWithin(entry, k.clusterSize);
  const d = c?.descriptors[i];
  const allocated = c?.bitmap[i] ?? false;
  return { allocated, swapCount: d?.swapCount ?? 0, inSwapcache: d?.inSwapcache ?? false, type: d?.type ?? 'FOLIO' };
}

function sortedClusters(k: V6Kernel): VswapCluster[] {
  return [...k.clusterMap.values()].sort((a, b) => a.id - b.id);
}

function inspectSlots(k: V6Kernel): SlotSnapshot[] {
  const out: SlotSnapshot[] = [];
  for (const c of sortedClusters(k)) {
    c.bitmap.forEach((on, i) => {
      if (!on) return;
      const d = c.descriptors[i]!;
      const sc = d.swapCache;
      out.push({
        slot: c.id * k.clusterSize + i,
        swapCount: d.swapCount,
        inSwapcache: d.inSwapcache,
        type: d.type,
        memcgid: d.memcgid,
        backing: d.slot ? { dev: d.slot.dev, offset: d.slot.offset } : d.zswapEntry ? { zswap: d.zswapEntry.id } : null,
        cache: sc === null ? null : isShadow(sc) ? { shadow: sc.shadow } : { folio: sc.id },
      });
    });
  }
  return out;
}

function cachedOn(k: V6Kernel, c: VswapCluster): number[] {
  return k.percpuClusters.flatMap((orders, cpu) => (orders.includes(c) ? [cpu] : []));
}

/** The v6 view of one vswap cluster (tests and pictures). */
export interface V6ClusterSnapshot {
  readonly id: number;
  readonly order: number;
  readonly count: number;
  readonly refcnt: number;
  readonly cached: boolean;
  readonly full: boolean;
  readonly onPartialList: boolean;
  /** CPUs whose per-CPU cache holds it. */
  readonly cachedOn: readonly number[];
  readonly bitmap: readonly boolean[];
}

/** Every vswap cluster, by id. */
export function v6Clusters(k: V6Kernel): V6ClusterSnapshot[] {
  return sortedClusters(k).map((c) => ({
    id: c.id,
    order: c.order,
    count: c.count,
    refcnt: refcount_read(k.m, c.refcnt),
    cached: c.cached,
    full: c.full,
    onPartialList: c.onList,
    cachedOn: cachedOn(k, c),
    bitmap: [...c.bitmap],
  }));
}

function inspectClusters(k: V6Kernel): ClusterSnapshot[] {
  return v6Clusters(k).map((c) => {
    const flags = [c.cached ? `cached@cpu${c.cachedOn.join(',')}` : '', c.full ? 'full' : '', c.onPartialList ? 'partial' : ''].filter(Boolean);
    return { space: 'vswap', id: c.id, order: c.order, count: c.count, state: [`refcnt=${c.refcnt}`, ...flags].join(' '), bitmap: c.bitmap };
  });
}

/** A quiet machine has no vswap cluster left but the ones a per-CPU cache holds (refcnt 1, empty), and vswap_used 0. */
function quiescenceProblems(k: V6Kernel): string[] {
  const out: string[] = [];
  for (const c of sortedClusters(k)) {
    const on = cachedOn(k, c);
    const refcnt = refcount_read(k.m, c.refcnt);
    if (c.count !== 0 || refcnt !== (on.length ? 1 : 0) || c.cached !== on.length > 0 || c.onList) {
      out.push(
        `vswap cluster ${c.id} not released: count=${c.count} refcnt=${refcnt} cached=${c.cached}` +
          ` (per-CPU cache of CPU ${on.join(',') || 'none'}) on-partial-list=${c.onList}`,
      );
    }
  }
  if (k.vswapUsed !== 0) out.push(`vswap_used=${k.vswapUsed}, expected 0`);
  return out;
}
