// The kernel of the swap-table designs: mainline's swap table (design 'mainline'), and the same tree with the Swap
// Table Edition's virtual layer switched on (design 'ste', which adds vswap_si and the hooks in ../ste). The swap
// table code calls the virtual layer only through `vswap` (VswapLayer), at the points where the kernel branches
// on swap_is_vswap(si).
import type { SlotEventListener } from '../../../model/events.ts';
import type { KernelConfig } from '../config.ts';
import { nrOrders } from '../config.ts';
import { Kernel } from '../kernel.ts';
import type { Folio } from '../mm/folio.ts';
import type { LocalLock, Machine, SpinLock, Task } from '../sim.ts';
import type { SwapOps, SwpEntry } from '../swap.ts';
import type { PercpuCluster, SwapClusterInfo } from './types.ts';
import { SwapInfoStruct, swp_offset, swp_type } from './types.ts';

/**
 * What the swap table calls in the virtual layer (the STE's branches on swap_is_vswap(si) in mm/swapfile.c,
 * mm/swap_state.c, mm/page_io.c). Implemented in ../ste; absent in mainline.
 */
export interface VswapLayer {
  /** vswap_init's device: the ghost swap_info_struct whose dynamic clusters hold the virtual slots. */
  readonly si: SwapInfoStruct;
  /** percpu_vswap_cluster: per CPU, the next offset hint per order (no reference), and its local lock. */
  readonly percpu: readonly PercpuCluster[];
  readonly percpuLock: LocalLock;
  /** vswap_alloc: slots on vswap_si for the locked folio (true: the folio is now in the swap cache). */
  vswap_alloc(folio: Folio): Task<boolean>;
  /** alloc_swap_scan_dynamic: a new dynamic cluster for this allocation; 0 when none could be had. */
  alloc_swap_scan_dynamic(folio: Folio): Task<number>;
  /** vswap_free_cluster: an emptied dynamic cluster is unlinked, marked DEAD and freed after RCU (ci locked). */
  vswap_free_cluster(ci: SwapClusterInfo): Task;
  /** __vswap_release_backing: frees what backs nr vswap slots (zswap objects, physical slots); ci locked. */
  __vswap_release_backing(ci: SwapClusterInfo, start: number, nr: number): Task;
  /** vswap_mark_cache_only: a cached slot's count goes 1 -> 0: its physical slot becomes reclaimable. */
  vswap_mark_cache_only(ci: SwapClusterInfo, off: number): void;
  /** Runs after swap_put_entries_cluster unlocked (only the 'ste-cache-only-mark-unlocked' fault acts here). */
  after_put_cluster_unlock(): Task;
  /** vswap_clear_cache_only: after a successful dup, slots that went 0 -> 1 are no longer reclaimable. */
  vswap_clear_cache_only(ci: SwapClusterInfo, start: number, nr: number): void;
  /** The memcg part of folio_alloc_swap for vswap slots (record the id, charge nothing). */
  mem_cgroup_record_swap(folio: Folio): Task;
  /** The id references a freed vswap range held (the vswap free path drops ids, not charges). */
  mem_cgroup_id_put_swap(id: number, nr: number): void;
  /** try_to_reclaim_vswap_backing: physical-side reclaim of a cache-only vswap slot through the reverse map. */
  try_to_reclaim_vswap_backing(si: SwapInfoStruct, offset: number): Task<number>;
  /** try_to_unuse's first pass on a physical device: every Pointer slot's vswap folio lets go of its backing. */
  try_to_unuse_vswap(si: SwapInfoStruct): Task;
}

export class SwapTableKernel extends Kernel {
  swap!: SwapOps;
  readonly devices: SwapInfoStruct[];
  /** SWP_TB_COUNT_MAX: the inline count's maximum (the count lives in extend_table from there on). */
  readonly countMax: number;
  /** SWAP_NR_ORDERS */
  readonly nrOrders: number;
  /** percpu_swap_cluster (per CPU hints, no reference) and its local lock. */
  readonly percpuSwapCluster: PercpuCluster[];
  readonly percpuSwapLock: LocalLock;
  /** swap_avail_lock, and swap_avail_head: the writable devices with free slots, in allocation order. */
  readonly swapAvailLock: SpinLock;
  readonly availList: SwapInfoStruct[] = [];
  /** The virtual layer, when the design is the STE. */
  vswap: VswapLayer | null = null;
  /** vswap_used / vswap_alloc_reject (STE debugfs), in pages. */
  vswapUsed = 0;
  vswapAllocReject = 0;
  /**
   * Instrumentation only (not kernel state): the vswap slots folio_realloc_swap is giving physical backing, from
   * before the allocation (which writes the Pointer) to the virtual-table update. The lock-release invariants
   * recognise a Pointer to one of them as in flight.
   */
  readonly reallocInFlight = new Set<SwpEntry>();

  constructor(m: Machine, config: KernelConfig, listener?: SlotEventListener) {
    super(m, config, listener);
    this.countMax = config.swapCountMax;
    this.nrOrders = nrOrders(config);
    // with the virtual layer, vswap_si (created at boot by vswap_init) takes swap type 0; swapon'ed devices follow
    const firstType = config.design === 'ste' ? 1 : 0;
    this.devices = config.devices.map(
      (d, i) => new SwapInfoStruct(m, i, firstType + i, d.slots, d.clusterSize, d.bad ?? [], this.nrOrders, false),
    );
    this.percpuSwapLock = m.localLock('percpu_swap_cluster.lock');
    this.percpuSwapCluster = Array.from({ length: m.cpus }, () => ({
      si: new Array<SwapInfoStruct | null>(this.nrOrders).fill(null),
      offset: new Array<number>(this.nrOrders).fill(0),
    }));
    this.swapAvailLock = m.spinlock('swap_avail_lock');
  }

  /** swap_info[type] */
  swapInfo(type: number): SwapInfoStruct | null {
    if (this.vswap && type === this.vswap.si.type) return this.vswap.si;
    return this.devices.find((si) => si.type === type) ?? null;
  }

  /** __swap_entry_to_info, for an entry that must exist (a kernel bug otherwise). */
  entryInfo(entry: SwpEntry): { si: SwapInfoStruct; off: number } {
    const si = this.swapInfo(swp_type(entry));
    if (!si) return this.m.fail('bug', `VM_WARN_ON: swap entry ${entry} has no swap device (type ${swp_type(entry)})`);
    return { si, off: swp_offset(entry) };
  }

  /** is_vswap_entry */
  isVswapEntry(entry: SwpEntry): boolean {
    return this.vswap !== null && swp_type(entry) === this.vswap.si.type;
  }

  /** vm_swap_full(): more than half of the physical swap space is in use. */
  vm_swap_full(): boolean {
    let total = 0;
    let used = 0;
    for (const si of this.devices) {
      if (!si.on) continue;
      total += si.slots - si.badList.length - 1;
      used += si.inuse;
    }
    return total > 0 && used * 2 > total;
  }
}

/** The kernel of a world built with a swap-table design (tests and design-specific tools). */
export function asSwapTable(k: Kernel): SwapTableKernel {
  if (!(k instanceof SwapTableKernel)) throw new Error(`expected a swap-table design, got '${k.config.design}'`);
  return k;
}
