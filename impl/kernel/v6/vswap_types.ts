// The virtual swap layer's data structures (mm/vswap.c): descriptors, clusters, and the slot arithmetic.
import type { PhysSlotId, SwapType } from '../../../model/events.ts';
import type { Folio } from '../mm/folio.ts';
import type { MemHandle, Refcount, SpinLock } from '../sim.ts';
import type { ZswapEntry } from '../mm/zswap_types.ts';

import type { ShadowValue, SwpEntry } from '../swap.ts';

export type { ShadowValue, SwpEntry };
export const isShadow = (v: Folio | ShadowValue | null): v is ShadowValue => v !== null && 'shadow' in v;

/** struct swp_desc: the descriptor of one virtual slot. */
export interface SwpDesc {
  /** union { slot; zswap_entry }: write through setSlot/setZswapEntry/clearBacking to keep it one field. */
  slot: PhysSlotId | null;
  zswapEntry: ZswapEntry | null;
  /** union { swap_cache; shadow } */
  swapCache: Folio | ShadowValue | null;
  swapCount: number;
  memcgid: number;
  inSwapcache: boolean;
  type: SwapType;
}

export function newDesc(): SwpDesc {
  return { slot: null, zswapEntry: null, swapCache: null, swapCount: 0, memcgid: 0, inSwapcache: false, type: 'SWAPFILE' };
}
/** desc->slot = slot (overwrites the zswap_entry half of the union). */
export function setSlot(d: SwpDesc, slot: PhysSlotId): void {
  d.slot = slot;
  d.zswapEntry = null;
}
/** desc->zswap_entry = entry (overwrites the slot half of the union). */
export function setZswapEntry(d: SwpDesc, e: ZswapEntry): void {
  d.zswapEntry = e;
  d.slot = null;
}
/** desc->slot.val = 0 (clears both halves of the union). */
export function clearBacking(d: SwpDesc): void {
  d.slot = null;
  d.zswapEntry = null;
}

/**
 * struct vswap_cluster. folio_alloc_swap publishes a zeroed cluster in vswap_cluster_map before it runs
 * spin_lock_init, so the lock handle is guarded: anyone reaching `lock` before spin_lock_init (a lookup that did
 * not pin the cluster first) is reported through `onEarlyLock`; that also covers "init of a lock someone holds".
 */
export class VswapCluster {
  count = 0;
  cached = false;
  full = false;
  /** Membership of partial_clusters_lists[order] (list_empty(&cluster->list) is !onList). */
  onList = false;
  readonly bitmap: boolean[];
  readonly descriptors: SwpDesc[];
  readonly #lock: SpinLock;
  #lockInitialised = false;
  constructor(
    readonly id: number,
    readonly order: number,
    size: number,
    lock: SpinLock,
    readonly refcnt: Refcount,
    readonly mem: MemHandle,
    private readonly onEarlyLock: (c: VswapCluster) => never,
  ) {
    this.#lock = lock;
    this.bitmap = new Array<boolean>(size).fill(false);
    this.descriptors = Array.from({ length: size }, newDesc);
  }
  /** &cluster->lock; only valid after spin_lock_init. */
  get lock(): SpinLock {
    if (!this.#lockInitialised) this.onEarlyLock(this);
    return this.#lock;
  }
  /** spin_lock_init(&cluster->lock) */
  spinLockInit(): void {
    this.#lockInitialised = true;
  }
  get lockInitialised(): boolean {
    return this.#lockInitialised;
  }
}

/** VSWAP_VAL_CLUSTER_IDX */
export const clusterIdx = (val: SwpEntry, clusterSize: number): number => Math.floor(val / clusterSize);
/** VSWAP_IDX_WITHIN_CLUSTER_VAL */
export const idxWithin = (val: SwpEntry, clusterSize: number): number => val % clusterSize;
