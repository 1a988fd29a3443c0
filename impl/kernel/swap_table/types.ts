// The swap table's data structures (mm/swap_table.h, mm/swap.h): the per-slot table entry, struct
// swap_cluster_info with its tables and list flag, struct swap_info_struct for a physical device or for the STE's
// ghost device vswap_si, and the swap entry encoding (type, offset).
import type { Folio } from '../mm/folio.ts';
import type { MemHandle as KObj, Machine, SpinLock } from '../sim.ts';
import type { SwpEntry } from '../swap.ts';
import { SwapInfo, type PhysSlotState } from '../swap_info.ts';

/**
 * One swap-table entry (an atomic_long_t in the kernel; here an immutable value replaced whole, so a plain
 * read-modify-write split by a scheduling point can lose an update exactly as a non-atomic store would).
 * - null: free. - shadow: swapped out, not cached. - pfn: a folio caches the slot. Both carry the inline swap
 *   count (0..COUNT_MAX, COUNT_MAX meaning "the real count is in extend_table") and the zero flag.
 * - ptr: a physical slot backing a vswap slot: the reverse map to the vswap offset, with the cache-only bit
 *   (SWP_RMAP_CACHE_ONLY: the vswap slot's count is 0, only its swap-cache folio holds it).
 * - bad: never handed out (the swap header's bad pages, and slot 0 of every device).
 */
export type SwpTb =
  | { readonly kind: 'null' }
  | { readonly kind: 'shadow'; readonly count: number; readonly zero: boolean; readonly shadow: number }
  | { readonly kind: 'pfn'; readonly count: number; readonly zero: boolean; readonly folio: Folio }
  | { readonly kind: 'ptr'; readonly voff: number; readonly cacheOnly: boolean }
  | { readonly kind: 'bad' };

export const NULL_TB: SwpTb = Object.freeze({ kind: 'null' });
export const BAD_TB: SwpTb = Object.freeze({ kind: 'bad' });

/** swp_tb_is_countable: an entry that carries a count (null, shadow, pfn). */
export function swp_tb_is_countable(tb: SwpTb): tb is Extract<SwpTb, { kind: 'null' | 'shadow' | 'pfn' }> {
  return tb.kind === 'null' || tb.kind === 'shadow' || tb.kind === 'pfn';
}
/** swp_tb_get_count: the inline count, or -EINVAL (truthy!) for a bad or pointer entry. */
export function swp_tb_get_count(tb: SwpTb): number {
  if (tb.kind === 'shadow' || tb.kind === 'pfn') return tb.count;
  return tb.kind === 'null' ? 0 : -22;
}
/** __swp_tb_mk_count: the same entry with another inline count (flags and payload kept). */
export function __swp_tb_mk_count(tb: SwpTb, count: number): SwpTb {
  if (tb.kind === 'shadow' || tb.kind === 'pfn') return { ...tb, count };
  throw new Error(`__swp_tb_mk_count on a ${tb.kind} entry`);
}
/** folio_to_swp_tb / pfn_to_swp_tb keeping an old entry's flags (count, zero). */
export function folio_to_swp_tb(folio: Folio, flagsFrom: SwpTb): SwpTb {
  const count = flagsFrom.kind === 'shadow' || flagsFrom.kind === 'pfn' ? flagsFrom.count : 0;
  const zero = flagsFrom.kind === 'shadow' || flagsFrom.kind === 'pfn' ? flagsFrom.zero : false;
  return { kind: 'pfn', count, zero, folio };
}
/** shadow_to_swp_tb keeping an old entry's flags. */
export function shadow_to_swp_tb(shadow: number, flagsFrom: SwpTb): SwpTb {
  const count = flagsFrom.kind === 'shadow' || flagsFrom.kind === 'pfn' ? flagsFrom.count : 0;
  const zero = flagsFrom.kind === 'shadow' || flagsFrom.kind === 'pfn' ? flagsFrom.zero : false;
  return { kind: 'shadow', count, zero, shadow };
}

/** The cluster's place on its device's lists (CLUSTER_FLAG_*); NONE is "isolated, off every list". */
export type ClusterFlag = 'NONE' | 'FREE' | 'NONFULL' | 'FRAG' | 'FULL' | 'DISCARD' | 'DEAD';
/** Flags up to FRAG are allocatable (CLUSTER_FLAG_USABLE). */
export const flagRank: Readonly<Record<ClusterFlag, number>> = { NONE: 0, FREE: 1, NONFULL: 2, FRAG: 3, FULL: 4, DISCARD: 5, DEAD: 6 };

/**
 * The virtual-table entry of one vswap slot (STE, 8 bytes): where the data is besides the swap cache. ZERO and
 * FOLIO are not stored: they come from the swap-table entry (zero flag, PFN).
 */
export type VtEntry =
  | { readonly tag: 'NONE' }
  | { readonly tag: 'ZSWAP'; readonly ze: import('../mm/zswap_types.ts').ZswapEntry }
  | { readonly tag: 'SWAPFILE'; readonly type: number; readonly offset: number };
export const VT_NONE: VtEntry = Object.freeze({ tag: 'NONE' });

/** The dynamic part of a vswap cluster (struct swap_cluster_info_dynamic). */
export interface ClusterDyn {
  /** Its id in si->cluster_info_pool (assigned by xa_alloc). */
  index: number;
  /** The allocation of ci_dyn itself (freed with kfree_rcu). */
  readonly mem: KObj;
  /** virtual_table, kfree'd at once when the cluster dies. */
  vtable: VtEntry[] | null;
  vtableMem: KObj | null;
}

/** struct swap_cluster_info */
export class SwapClusterInfo {
  count = 0;
  flags: ClusterFlag = 'NONE';
  order = 0;
  /** ci->table (RCU-published; null when the cluster is free). */
  table: SwpTb[] | null = null;
  tableMem: KObj | null = null;
  /** ci->extend_table: the whole count of slots whose inline count is COUNT_MAX. */
  extendTable: number[] | null = null;
  extendMem: KObj | null = null;
  /** ci->memcg_table: the memcg (private) id each slot is charged to. */
  memcgTable: number[] | null = null;
  memcgMem: KObj | null = null;
  constructor(
    /** Cluster number within its device (a dynamic cluster's is assigned when xa_alloc publishes it). */
    public id: number,
    readonly lock: SpinLock,
    readonly dyn: ClusterDyn | null,
  ) {}
}

/** swp_entry(type, offset): the value a PTE holds. Types are spaced widely enough that a run never crosses one. */
export const SWP_TYPE_SHIFT = 16;
export const swp_entry = (type: number, offset: number): SwpEntry => type * 2 ** SWP_TYPE_SHIFT + offset;
export const swp_type = (e: SwpEntry): number => Math.floor(e / 2 ** SWP_TYPE_SHIFT);
export const swp_offset = (e: SwpEntry): number => e % 2 ** SWP_TYPE_SHIFT;

/** struct percpu_swap_cluster / percpu_vswap_cluster: per CPU, the next offset hint per order (no reference). */
export interface PercpuCluster {
  si: (SwapInfoStruct | null)[];
  offset: number[];
}

/** The footprint name of vswap_si's cluster_info_pool (the xarray of dynamic clusters): its loads and its changes. */
export const CLUSTER_POOL = 'vswap_si cluster_info_pool';

/**
 * struct swap_info_struct on the swap table: a physical device (static clusters) or the STE's vswap_si (dynamic
 * clusters in an xarray, created on demand, marked DEAD and freed after RCU).
 */
export class SwapInfoStruct extends SwapInfo {
  /** si->lock: the cluster lists. */
  readonly lock: SpinLock;
  /** Static clusters (physical); for vswap_si this holds the dynamic ones by index (cluster_info_pool). */
  readonly clusterInfo: Map<number, SwapClusterInfo> = new Map();
  readonly freeClusters: SwapClusterInfo[] = [];
  readonly nonfull: SwapClusterInfo[][];
  readonly frag: SwapClusterInfo[][];
  readonly full: SwapClusterInfo[] = [];
  /** The zswap tree of this device (mm/zswap.c swap_zswap_tree): offset -> object, under its xa_lock. */
  readonly zswapTree = new Map<number, import('../mm/zswap_types.ts').ZswapEntry>();
  readonly zswapTreeLock: SpinLock;
  /** Instrumentation only (not kernel state): slots whose data was written to the device and is still valid. */
  readonly written: boolean[];

  constructor(
    private readonly m: Machine,
    index: number,
    /** The swap type: the `type` half of the entries of this device. */
    readonly type: number,
    slots: number,
    clusterSize: number,
    badList: readonly number[],
    readonly orders: number,
    /** The ghost device of the Swap Table Edition. */
    readonly vswap: boolean,
  ) {
    super(index, slots, clusterSize, badList, !vswap);
    this.touch = (name) => m.touchShared(name);
    this.lock = m.spinlock('swap_info_struct->lock');
    this.zswapTreeLock = m.spinlock('zswap_tree.xa_lock');
    this.nonfull = Array.from({ length: orders }, () => []);
    this.frag = Array.from({ length: orders }, () => []);
    this.written = new Array<boolean>(vswap ? 0 : slots).fill(false);
  }

  /**
   * __swap_offset_to_cluster: the cluster holding offset (for vswap_si an xarray load, which explore's dependency
   * relation is told about, like every change of the pool: CLUSTER_POOL; may be absent).
   */
  cluster(offset: number): SwapClusterInfo | undefined {
    if (this.vswap) this.m.touchShared(CLUSTER_POOL);
    return this.clusterInfo.get(Math.floor(offset / this.clusterSize));
  }

  /** The table entry of a slot, read without any lock or RCU (instrumentation only). */
  peek(offset: number): SwpTb {
    return this.clusterInfo.get(Math.floor(offset / this.clusterSize))?.table?.[offset % this.clusterSize] ?? NULL_TB;
  }

  slotState(offset: number): PhysSlotState {
    const tb = this.peek(offset);
    return tb.kind === 'bad' ? 'bad' : tb.kind === 'null' ? 'free' : 'allocated';
  }

  rmapOf(offset: number): number {
    const tb = this.peek(offset);
    return tb.kind === 'ptr' ? tb.voff : 0;
  }
}
