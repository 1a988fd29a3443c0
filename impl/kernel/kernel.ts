// The simulated kernel's whole state, in one object owned by one run (like loom's execution table): the vswap
// allocator, the physical devices, zswap, memcgs, the LRU and the registered mms. Every kernel function takes it
// as `k`. It also carries the instrumentation (slot event records) and the VM_WARN_ON / VM_BUG_ON checks.
import type { PhysicalEventType, SlotEventListener, VirtualEventType } from '../../model/events.ts';
import { resolveConfig, nrOrders } from './config.ts';
import type { KernelConfig } from './config.ts';
import type { FaultName } from './faults.ts';
import type { Folio } from './folio.ts';
import { MemCgroup } from './memcontrol.ts';
import type { MmStruct } from './mm.ts';
import type { LocalLock, Machine, Mutex, SpinLock } from './sim.ts';
import { SwapDevice } from './swapfile.ts';
import type { VswapCluster } from './vswap_types.ts';
import { clusterIdx, idxWithin } from './vswap_types.ts';
import type { ZswapEntry } from './zswap_types.ts';

export class Kernel {
  readonly config: KernelConfig;
  readonly faults: ReadonlySet<FaultName>;
  readonly clusterSize: number;

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

  // mm/swapfile.c
  readonly devices: SwapDevice[];
  /** swapon_mutex: swapon's publish step and the end of swapoff (not try_to_unuse). */
  readonly swaponMutex: Mutex;
  /** swap_lock: swap_info[] flags (SWP_USED, SWP_WRITEOK) and the avail lists. */
  readonly swapLock: SpinLock;

  // mm/zswap.c: zswap_list_lru, oldest entry first (the shrinker's order), under its list_lru_one lock
  readonly zswapPool: ZswapEntry[] = [];
  /** list_lru_one->lock of zswap_list_lru (one node, one memcg list in this model). */
  readonly zswapLruLock: SpinLock;
  nextZswapId = 1;

  // mm/memcontrol.c: index = memcg id; [0] is unused (id 0 means "no memcg")
  readonly memcgs: MemCgroup[];

  // mm/swap.c: one LRU list (oldest first) under lruvec->lru_lock
  readonly lru: Folio[] = [];
  readonly lruLock: SpinLock;
  /** Every folio ever allocated (for inspection; freed ones are flagged). */
  readonly folios: Folio[] = [];
  nextFolioId = 1;

  /** Every live mm, for the reverse-map walk of try_to_unmap. */
  readonly mms: MmStruct[] = [];
  nextMmId = 1;

  constructor(
    readonly m: Machine,
    config: Partial<KernelConfig> = {},
    readonly listener?: SlotEventListener,
  ) {
    this.config = resolveConfig(config);
    this.faults = new Set(this.config.faults);
    this.clusterSize = this.config.clusterSize;
    this.xaLock = m.spinlock('vswap_cluster_map.xa_lock');
    this.percpuLock = m.localLock('percpu_vswap_cluster.lock');
    const orders = nrOrders(this.config);
    this.partial = Array.from({ length: orders }, () => []);
    this.percpuClusters = Array.from({ length: m.cpus }, () => new Array<VswapCluster | null>(orders).fill(null));
    this.swaponMutex = m.mutex('swapon_mutex');
    this.swapLock = m.spinlock('swap_lock');
    this.lruLock = m.spinlock('lruvec->lru_lock');
    this.zswapLruLock = m.spinlock('list_lru_one->lock');
    this.devices = this.config.devices.map((d, i) => new SwapDevice(m, i, d.slots, d.clusterSize, d.bad ?? []));
    this.memcgs = Array.from({ length: this.config.memcgs + 1 }, (_, id) => new MemCgroup(id, this.config.memcgSwapMax));
  }

  faultOn(name: FaultName): boolean {
    return this.faults.has(name);
  }

  /** do_memsw_account(): cgroup v1 with memory+swap accounting. */
  get memsw(): boolean {
    return this.config.memcgMode === 'v1-memsw';
  }

  /** VM_WARN_ON: a kernel warning is a finding; the run stops with kind 'bug'. */
  warnOn(cond: boolean, what: string): void {
    if (cond) this.m.fail('bug', `VM_WARN_ON: ${what}`);
  }
  /** VM_BUG_ON */
  bugOn(cond: boolean, what: string): void {
    if (cond) this.m.fail('bug', `VM_BUG_ON: ${what}`);
  }

  /** Instrumentation: one record per change of one virtual slot, with the descriptor's view right after it. */
  emitVirtual(cluster: VswapCluster, slot: number, event: VirtualEventType, by: string): void {
    const i = idxWithin(slot, this.clusterSize);
    this.warnOn(clusterIdx(slot, this.clusterSize) !== cluster.id, `slot ${slot} is not in cluster ${cluster.id}`);
    const d = cluster.descriptors[i]!;
    // a listener (the refinement oracle) notes the event with the chart state it leads to; without one, note it here
    if (!this.listener) this.m.trace(`vswap ${slot} ${event}`);
    this.listener?.({
      space: 'virtual',
      slot,
      event: { type: event },
      after: { allocated: cluster.bitmap[i]!, swapCount: d.swapCount, inSwapcache: d.inSwapcache, type: d.type },
      by,
    });
  }

  /** Instrumentation: one record per change of one physical slot. */
  emitPhysical(dev: SwapDevice, offset: number, event: PhysicalEventType, by: string, vswap?: number): void {
    if (!this.listener) this.m.trace(`swap ${dev.index}:${offset} ${event}`);
    const state = dev.bad[offset] ? 'bad' : dev.allocated[offset] ? 'allocated' : 'free';
    this.listener?.({
      space: 'physical',
      slot: { dev: dev.index, offset },
      event: { type: event },
      after: { state },
      by,
      ...(vswap !== undefined ? { vswap } : {}),
    });
  }
}
