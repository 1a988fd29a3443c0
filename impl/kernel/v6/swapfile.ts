// Physical swap devices (mm/swapfile.c side of the vswap series): clusters of physical slots with their lock,
// allocated and bad maps, and the reverse map (physical slot -> virtual slot) kept in the cluster's swap table.
import type { PhysSlotId } from '../../../model/events.ts';
import type { V6Kernel } from './design.ts';
import type { Machine, SpinLock, Task } from '../sim.ts';
import { spin_lock, spin_unlock } from '../sim.ts';
import type { SwpEntry } from '../swap.ts';
import { SwapInfo, type PhysSlotState } from '../swap_info.ts';

/** struct swap_cluster_info (the parts the port needs). */
export interface PhysCluster {
  readonly lock: SpinLock;
}

/** struct swap_info_struct on the vswap series: two bitmaps (allocated, bad) and the reverse map. */
export class SwapDevice extends SwapInfo {
  readonly allocated: boolean[];
  readonly bad: boolean[];
  /** The swap table's reverse map: virtual slot per physical slot, 0 for none. */
  readonly rmap: number[];
  readonly clusters: PhysCluster[];
  constructor(m: Machine, index: number, slots: number, clusterSize: number, badList: readonly number[]) {
    super(index, slots, clusterSize, badList);
    this.touch = (name) => m.touchShared(name);
    this.allocated = new Array<boolean>(slots).fill(false);
    this.bad = new Array<boolean>(slots).fill(false);
    this.rmap = new Array<number>(slots).fill(0);
    this.clusters = Array.from({ length: slots / clusterSize }, () => ({ lock: m.spinlock('swap_cluster_info->lock') }));
  }
  /** __swap_slot_to_cluster */
  clusterOf(offset: number): PhysCluster {
    return this.clusters[Math.floor(offset / this.clusterSize)]!;
  }
  slotState(offset: number): PhysSlotState {
    return this.bad[offset] ? 'bad' : this.allocated[offset] ? 'allocated' : 'free';
  }
  rmapOf(offset: number): number {
    return this.rmap[offset] ?? 0;
  }
}

/** vswap_rmap_set: points nr physical slots back at nr virtual slots (0 clears). Caller holds ci->lock. */
export function vswap_rmap_set(k: V6Kernel, si: SwapDevice, offset: number, vswap: SwpEntry, nr: number): void {
  for (let i = 0; i < nr; i++) si.rmap[offset + i] = vswap ? vswap + i : 0;
}

/**
 * swap_slot_alloc: an aligned free range of 2^order physical slots inside one physical cluster of the first
 * writable device that has one; the reverse map is set under the same ci->lock (as the PHYS_ALLOC record says).
 */
export function* swap_slot_alloc(k: V6Kernel, order: number, vswap: SwpEntry): Task<PhysSlotId | null> {
  const nr = 1 << order;
  for (const si of k.devices) {
    if (!si.writeOk || nr > si.clusterSize) continue;
    for (let c = 0; c < si.clusters.length; c++) {
      const ci = si.clusters[c]!;
      yield* spin_lock(k.m, ci.lock);
      let found = -1;
      if (si.writeOk) {
        for (let off = c * si.clusterSize; off < (c + 1) * si.clusterSize && found < 0; off += nr) {
          let free = true;
          for (let i = 0; i < nr; i++) if (si.allocated[off + i] || si.bad[off + i]) free = false;
          if (free) found = off;
        }
      }
      if (found >= 0) {
        for (let i = 0; i < nr; i++) si.allocated[found + i] = true;
        vswap_rmap_set(k, si, found, vswap, nr);
        si.inuse += nr;
        for (let i = 0; i < nr; i++) k.emitPhysical(si, found + i, 'PHYS_ALLOC', 'swap_slot_alloc', vswap + i);
      }
      yield* spin_unlock(k.m, ci.lock);
      if (found >= 0) return { dev: si.index, offset: found };
    }
  }
  return null;
}

/** swap_slot_free_nr: frees nr contiguous physical slots, one ci->lock section per physical cluster. */
export function* swap_slot_free_nr(k: V6Kernel, slot: PhysSlotId, nr: number): Task {
  const si = k.devices[slot.dev]!;
  let off = slot.offset;
  const end = slot.offset + nr;
  while (off < end) {
    const ci = si.clusterOf(off);
    const clusterEnd = (Math.floor(off / si.clusterSize) + 1) * si.clusterSize;
    const stop = Math.min(end, clusterEnd);
    yield* spin_lock(k.m, ci.lock);
    for (let o = off; o < stop; o++) {
      k.warnOn(!si.allocated[o], `swap_slot_free_nr: physical slot ${si.index}:${o} is not allocated`);
      si.allocated[o] = false;
      si.inuse--;
    }
    vswap_rmap_set(k, si, off, 0, stop - off);
    for (let o = off; o < stop; o++) k.emitPhysical(si, o, 'PHYS_FREE', 'swap_slot_free_nr');
    yield* spin_unlock(k.m, ci.lock);
    off = stop;
  }
}

/** swp_slot_to_swp_entry: the reverse map lookup (an atomic read of the swap table, no lock). */
export function swp_slot_to_swp_entry(si: SwapDevice, offset: number): SwpEntry {
  return si.rmap[offset] ?? 0;
}

/** swap_slot_tryget_swap_info: a reference on the slot's device (percpu_ref_tryget_live on si->users), or null. */
export function* swap_slot_tryget_swap_info(k: V6Kernel, slot: PhysSlotId): Task<SwapDevice | null> {
  const si = k.devices[slot.dev]!;
  yield* k.m.pointShared(`percpu_ref_tryget_live(swap ${si.index} users)`, si.usersName);
  if (!si.usersLive) return null;
  si.users++;
  return si;
}

/** swap_slot_put_swap_info: drops it; swapoff waits for the last one. */
export function* swap_slot_put_swap_info(k: V6Kernel, si: SwapInfo): Task {
  yield* k.m.pointShared(`percpu_ref_put(swap ${si.index} users)`, si.usersName);
  k.warnOn(si.users <= 0, `swap_slot_put_swap_info: swap ${si.index} users underflow`);
  si.users--;
}
