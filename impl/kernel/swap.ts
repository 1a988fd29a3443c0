// The design seam: the swap layer as the shared mm code (fault, fork, zap, reclaim, page_io, zswap's front end,
// memcg, swapon/swapoff) calls it. In the kernel this is include/linux/swap.h plus mm/swap.h; each design (the v6
// xarray descriptors, the Swap Table Edition, mainline's swap table) implements it in its own folder. An entry
// names the function of the newest tree; where v6 calls something else, the comment says what.
import type { SlotEventRecord, VirtualSlotView } from '../../model/events.ts';
import type { Folio } from './mm/folio.ts';
import type { SwapInfo } from './swap_info.ts';
import type { MetadataCounts, MetadataDesign } from './metadata.ts';
import type { Task } from './sim.ts';
import type { ZswapEntry } from './mm/zswap_types.ts';

/** A swap entry as a PTE holds it (`swp_entry_t.val`); 0 is "no entry". */
export type SwpEntry = number;

/** The designs the suite checks against the same charts. */
export type DesignName = 'v6' | 'ste' | 'mainline';
export const DESIGN_NAMES: readonly DesignName[] = ['v6', 'ste', 'mainline'];
export const DESIGN_TITLES: Readonly<Record<DesignName, string>> = {
  v6: 'vswap v6: xarray of clusters of 24-byte swp_desc descriptors (mm/vswap.c)',
  ste: 'Swap Table Edition: vswap slots in a ghost device built of dynamic swap-table clusters',
  mainline: "mainline's swap table, no virtual layer: PTEs hold physical slots",
};
export function isDesignName(s: string): s is DesignName {
  return (DESIGN_NAMES as readonly string[]).includes(s);
}

/** A workingset shadow left in the swap cache slot by __remove_mapping. */
export interface ShadowValue {
  readonly shadow: number;
}

/** What get_swap_device hands back: the device reference swapoff waits for (null: none needed or none taken). */
export interface SwapRef {
  readonly si: SwapInfo | null;
}

/** Where swap_read_folio takes a page from, as the swap layer resolved it (with its LOAD records emitted). */
export type SwapReadSource =
  | { readonly kind: 'zero' }
  | { readonly kind: 'zswap' }
  | { readonly kind: 'disk'; readonly dev: number; readonly offset: number }
  | { readonly kind: 'none'; readonly why: string };

/** folio_matches_swap_entry (mm/swap.h): the folio is in the swap cache and covers entry. */
export function folio_matches_swap_entry(f: Folio, entry: SwpEntry): boolean {
  return f.swapcache && entry >= f.swap && entry < f.swap + f.nr;
}

export const ENOENT = 2;
export const EIO = 5;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;

/**
 * The swap layer's operations, bound to one kernel instance. Every one is a kernel path (a generator with its
 * scheduling points) except the instrumentation block at the end, which only reads state.
 */
export interface SwapOps {
  readonly design: DesignName;

  // --- allocation and the swap cache (mm/swapfile.c, mm/swap_state.c; v6: mm/vswap.c)
  /** folio_alloc_swap: slots for a locked, uptodate folio, which enters the swap cache; false when none. */
  folio_alloc_swap(folio: Folio): Task<boolean>;
  /** get_swap_device (v6: tryget_swap_entry, which also pins the vswap cluster); null: the entry is stale. */
  get_swap_device(entry: SwpEntry): Task<SwapRef | null>;
  /** put_swap_device (v6: put_swap_entry). */
  put_swap_device(entry: SwpEntry, ref: SwapRef): Task;
  /** swap_cache_get_folio: the swap-cache folio of entry with a reference, or null. */
  swap_cache_get_folio(entry: SwpEntry): Task<Folio | null>;
  /**
   * A new folio for entry, added to the swap cache, charged, put on the LRU and read in (unlocked on return); or
   * -EEXIST (someone else is adding one) / -ENOENT (the entry was freed), with the caller's ref dropped.
   * `memcg` is the faulting mm's memcg, or 'recorded' (swapoff, zswap writeback: charge the entry's own).
   * v6: __read_swap_cache_async (swapcache_prepare + swap_cache_add_folio); swap table: swap_cache_alloc_folio.
   */
  read_swap_cache_async(entry: SwpEntry, ref: SwapRef, memcg: number | 'recorded'): Task<Folio | number>;
  /** folio_free_swap: releases a locked folio's slots if no PTE refers to them and no write is in flight. */
  folio_free_swap(folio: Folio): Task<boolean>;

  // --- PTE references (the swap count)
  /** try_to_unmap_one: the PTE of this page of a locked swap-cache folio becomes a swap entry (v6: swap_duplicate_nr). */
  folio_dup_swap(folio: Folio, entry: SwpEntry): Task<number>;
  /**
   * copy_nonpresent_pte (fork): nr consecutive entries gain a PTE each, in order; how many did, and the error that
   * stopped the rest (-ENOMEM: a count must overflow and no extend table could be had atomically). v6:
   * swap_duplicate_nr, all or nothing.
   */
  swap_dup_entries_direct(entry: SwpEntry, nr: number): Task<{ done: number; err: number }>;
  /** swap_retry_table_alloc: fork's sleeping allocation after -ENOMEM, with the page-table locks dropped. */
  swap_retry_table_alloc(entry: SwpEntry): Task<number>;
  /** do_swap_page mapping the folio: the PTE's reference moves to the folio (v6: swap_free_nr(entry, 1)). */
  folio_put_swap(folio: Folio, entry: SwpEntry): Task;
  /** zap_nonpresent_ptes: nr consecutive entries lose a PTE each (v6: free_swap_and_cache_nr). */
  swap_put_entries_direct(entry: SwpEntry, nr: number): Task;

  // --- reclaim's end: __remove_mapping on a swap-cache folio
  /** The swap-cache lock of entry taken with IRQs off (v6: the vswap cluster lock); returns what unlock needs. */
  swap_cache_lock_irq(entry: SwpEntry): Task<unknown>;
  swap_cache_unlock_irq(entry: SwpEntry, token: unknown): Task;
  /** __swap_cache_del_folio(swapout): leaves a shadow, memcg1_swapout, drops the cache pin; then unlocks (v6: __vswap_remove_mapping). */
  remove_mapping_swapcache(folio: Folio, entry: SwpEntry, shadow: number, token: unknown): Task;
  /** The swap-cache lock taken from interrupt context with irqsave (only the 'writeback-end-irq-lock' fault does). */
  swap_cache_lock_irqsave(entry: SwpEntry): Task<{ token: unknown; flags: unknown } | null>;
  swap_cache_unlock_irqrestore(entry: SwpEntry, held: { token: unknown; flags: unknown }): Task;

  // --- memcg records (swap_cgroup; v6: the descriptor's memcgid; swap table: memcg_table)
  /** memcg1_swapout's record with the swap-cache lock already held (token from swap_cache_lock_irq). */
  __swap_cgroup_record(folio: Folio, memcgid: number, entry: SwpEntry, token: unknown): void;
  /** The record done by taking the lock again: the v3/v4 slip ('memcg1-swapout-relock'). */
  swap_cgroup_record(folio: Folio, memcgid: number, entry: SwpEntry): Task;
  lookup_swap_cgroup_id(entry: SwpEntry): Task<number>;
  swap_cgroup_clear(entry: SwpEntry, nr: number): Task<number>;

  // --- I/O (mm/page_io.c)
  /** swap_writeout's choice of backing for a locked swap-cache folio ('activate' keeps it dirty and locked). */
  swap_writeout(folio: Folio): Task<'success' | 'activate'>;
  /** swap_read_folio's lookup of where the data is; emits one LOAD per page. */
  swap_read_source(folio: Folio): Task<SwapReadSource>;

  // --- zswap's back end (where a zswap object is recorded for an entry)
  zswap_entry_store(entry: SwpEntry, ze: ZswapEntry): Task;
  zswap_entry_load(entry: SwpEntry): Task<ZswapEntry | null>;
  /** zswap_store rejected the folio after `stored` pages: take the stored ones back. */
  zswap_store_rollback(folio: Folio, stored: number): Task;
  /** zswap_load decompressed into the folio: drop the zswap copy (the folio is now the only copy). */
  zswap_load_invalidate(folio: Folio): Task;
  /**
   * zswap_writeback_entry: moves one object to a physical slot through a swap-cache folio (the shrinker's
   * per-object step). 0, or -errno when the entry went away or no slot could be had.
   */
  zswap_writeback_entry(ze: ZswapEntry, swpentry: SwpEntry): Task<number>;

  // --- swapon / swapoff / hotplug
  /** The part of swapon that reads the header: marks bad slots; the device becomes writable. */
  setup_swap_device(si: SwapInfo): void;
  /** try_to_unuse: empties a device whose SWP_WRITEOK is already clear. */
  try_to_unuse(si: SwapInfo): Task;
  /** swapoff's teardown of an emptied device, under swap_lock: its maps are cleared (SWAPOFF per slot). */
  swapoff_teardown(si: SwapInfo): void;
  /** The CPUHP dead callback of the swap allocator for cpu (runs on the control CPU). */
  cpu_dead(cpu: number): Task;

  // --- instrumentation and inspection (read-only, no scheduling points)
  /** Slots per allocation cluster of the space entry lives in (for faults that cut at a cluster boundary). */
  clusterSizeOf(entry: SwpEntry): number;
  /** The chart-facing view of a swap entry (what the abstraction reads), as the tables say right now. */
  slotView(entry: SwpEntry): VirtualSlotView;
  /** Every allocated swap entry (the "virtual" slots PTEs may hold). */
  inspectSlots(): readonly SlotSnapshot[];
  /** The design's own structures (clusters, tables, per-CPU caches), for the quiescence check and pictures. */
  inspectClusters(): readonly ClusterSnapshot[];
  /** Problems with the design's own structures once the machine is quiet (e.g. a cluster never released). */
  quiescenceProblems(): string[];
  /** Whether the lock that protects the entry's state is held by anyone (its state may be mid-change). */
  slotLocked(entry: SwpEntry): boolean;
  /** How an event record's slot reads in reports (v6: "vswap 5"; mainline: "swap0:5"). */
  describeSlot(entry: SwpEntry): string;
  /**
   * The lock-release invariants (for Machine.setReleaseCheck): given a released spinlock, the problems with what it
   * protects when it is one of the design's cluster locks, else null.
   */
  releaseChecker(): (lockId: number, name: string) => string[] | null;
  /** The swap metadata alive now, counted per structure, for each row of the comparison this design prices. */
  metadata(): readonly { readonly design: MetadataDesign; readonly counts: MetadataCounts }[];
}

/** One allocated swap entry, as the oracles and the pictures see it. */
export interface SlotSnapshot {
  readonly slot: SwpEntry;
  readonly swapCount: number;
  readonly inSwapcache: boolean;
  readonly type: VirtualSlotView['type'];
  readonly memcgid: number;
  /** What backs it besides the folio: a physical slot, a zswap object, or nothing. */
  readonly backing: { readonly dev: number; readonly offset: number } | { readonly zswap: number } | null;
  /** The swap-cache slot: the cached folio's id, a shadow, or nothing. */
  readonly cache: { readonly folio: number } | { readonly shadow: number } | null;
}

/** One allocation cluster of the design (a vswap cluster, a dynamic swap-table cluster, a device's cluster). */
export interface ClusterSnapshot {
  /** Which space: 'vswap' or 'swap<dev>'. */
  readonly space: string;
  readonly id: number;
  readonly order: number;
  readonly count: number;
  /** One line of state for pictures: flags, lists, references. */
  readonly state: string;
  readonly bitmap: readonly boolean[];
}

export type { SlotEventRecord };
