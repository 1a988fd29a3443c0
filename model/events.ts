// The event vocabulary shared by the statecharts (model/) and the implementation's instrumentation (impl/kernel).
// Each event is named after what the kernel does to one slot; the comment names the kernel function(s) that do it.

/** Backing type of a virtual slot, as in `enum swap_type` of mm/vswap.c. */
export type SwapType = 'SWAPFILE' | 'ZERO' | 'ZSWAP' | 'FOLIO';
export const SWAP_TYPES: readonly SwapType[] = ['SWAPFILE', 'ZERO', 'ZSWAP', 'FOLIO'];

/**
 * Events on one swap entry as PTEs see it: a v6 `struct swp_desc`, an STE vswap slot, or a mainline physical slot.
 * The kernel functions named first are v6's; the swap-table designs' counterparts follow where they differ.
 */
export const VIRTUAL_EVENTS = {
  /** folio_alloc_swap: the slot is handed out, in_swapcache=1, swap_count=0, type FOLIO. */
  ALLOC: 'ALLOC',
  /** swap_duplicate_nr (try_to_unmap installing a PTE, fork copying one): swap_count += 1. Swap table:
   * folio_dup_swap / swap_dup_entry_direct (into extend_table past COUNT_MAX). */
  DUP: 'DUP',
  /** swap_free_nr / free_swap_and_cache_nr (zap, swap-in mapping the folio): swap_count -= 1. Swap table:
   * folio_put_swap / swap_put_entries_direct. */
  PUT: 'PUT',
  /** swapcache_prepare: in_swapcache 0 -> 1 (the swap-in or writeback path pins the slot). Swap table:
   * __swap_cache_do_add_folio (the new folio's PFN enters the table). */
  CACHE_ADD: 'CACHE_ADD',
  /** __swapcache_clear via __vswap_remove_mapping, folio_free_swap, put_swap_folio: in_swapcache 1 -> 0. Swap
   * table: __swap_cache_do_del_folio (the PFN becomes a shadow). */
  CACHE_DEL: 'CACHE_DEL',
  /** swap_zeromap_folio_set: the folio was zero-filled; type ZERO (swap table: the entry's zero flag). */
  STORE_ZERO: 'STORE_ZERO',
  /** zswap_entry_store (zswap_store accepted the page): type ZSWAP (STE: vswap_zswap_store; mainline: the tree). */
  STORE_ZSWAP: 'STORE_ZSWAP',
  /** vswap_alloc_swap_slot from swap_writeout (zswap rejected or off): type SWAPFILE. STE: folio_realloc_swap;
   * mainline: the write issued to the entry's own slot. */
  STORE_SWAPFILE: 'STORE_SWAPFILE',
  /** vswap_store_folio / vswap_prepare_writeout / zswap_load invalidating its copy: type FOLIO. */
  STORE_FOLIO: 'STORE_FOLIO',
  /** zswap_writeback_entry: vswap_alloc_swap_slot turns a ZSWAP slot into SWAPFILE (STE: folio_realloc_swap
   * before decompressing; mainline: the object erased from the tree). */
  ZSWAP_WRITEBACK: 'ZSWAP_WRITEBACK',
  /** swap_read_folio (zero fill, zswap_load, or disk read) into the swap-cache folio; no state change. */
  LOAD: 'LOAD',
  /** try_to_unuse (swapoff): the slot's data now lives in the swap-cache folio; type SWAPFILE -> FOLIO. */
  SWAPOFF_UNUSE: 'SWAPOFF_UNUSE',
  /** vswap_free_nr: the last reference went (swap_count 0, not in swap cache); the slot is released. */
  FREE: 'FREE',
} as const;
export type VirtualEventType = (typeof VIRTUAL_EVENTS)[keyof typeof VIRTUAL_EVENTS];
export const VIRTUAL_EVENT_TYPES: readonly VirtualEventType[] = Object.values(VIRTUAL_EVENTS);

/** Events on one physical swap slot (one bit in a device's allocation map). */
export const PHYSICAL_EVENTS = {
  /** swap_slot_alloc (from vswap_alloc_swap_slot): free -> allocated; the reverse map points at the vswap slot. */
  PHYS_ALLOC: 'PHYS_ALLOC',
  /** swap_slot_free_nr (from release_backing): allocated -> free. */
  PHYS_FREE: 'PHYS_FREE',
  /** swapon reading the swap header's bad-page list: free -> bad, never allocated afterwards. */
  MARK_BAD: 'MARK_BAD',
  /** swapoff tearing the device down once try_to_unuse emptied it: the slot leaves service (free or bad -> free). */
  SWAPOFF: 'SWAPOFF',
} as const;
export type PhysicalEventType = (typeof PHYSICAL_EVENTS)[keyof typeof PHYSICAL_EVENTS];
export const PHYSICAL_EVENT_TYPES: readonly PhysicalEventType[] = Object.values(PHYSICAL_EVENTS);

export interface VirtualSlotEvent {
  readonly type: VirtualEventType;
}
export interface PhysicalSlotEvent {
  readonly type: PhysicalEventType;
}

/**
 * What the implementation reports about a virtual slot right after an event: the descriptor fields the
 * abstraction function needs. `allocated` is the cluster bitmap bit.
 */
export interface VirtualSlotView {
  readonly allocated: boolean;
  readonly swapCount: number;
  readonly inSwapcache: boolean;
  readonly type: SwapType;
}

/** What the implementation reports about a physical slot right after an event. */
export interface PhysicalSlotView {
  readonly state: 'free' | 'allocated' | 'bad';
}

/** Physical slot key: device (swap type) and offset. */
export interface PhysSlotId {
  readonly dev: number;
  readonly offset: number;
}

/** One instrumentation record, emitted by impl/kernel at every descriptor or physical-slot change. */
export type SlotEventRecord =
  | {
      readonly space: 'virtual';
      readonly slot: number;
      readonly event: VirtualSlotEvent;
      readonly after: VirtualSlotView;
      /** Kernel function that made the change, e.g. 'folio_alloc_swap'. */
      readonly by: string;
    }
  | {
      readonly space: 'physical';
      readonly slot: PhysSlotId;
      readonly event: PhysicalSlotEvent;
      readonly after: PhysicalSlotView;
      readonly by: string;
      /** For PHYS_ALLOC: the virtual slot the reverse map now points at. */
      readonly vswap?: number;
    };

export type SlotEventListener = (record: SlotEventRecord) => void;
