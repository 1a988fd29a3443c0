// Changing what backs a virtual slot (mm/vswap.c): folio, zero page, zswap object or physical slot. Each store
// releases the old backing first, under the cluster lock, with the folio locked in the swap cache.
import type { PhysSlotId, SwapType, VirtualEventType } from '../../../model/events.ts';
import type { Folio } from '../mm/folio.ts';
import type { V6Kernel } from './design.ts';
import { mem_cgroup_from_id, mem_cgroup_try_charge_swap } from '../mm/memcontrol.ts';
import type { Task } from '../sim.ts';
import { rcu_read_lock, rcu_read_unlock, spin_lock, spin_unlock } from '../sim.ts';
import { swap_slot_alloc, swap_slot_free_nr } from './swapfile.ts';
import { descOf, release_backing } from './vswap_free.ts';
import type { ClusterRef } from './vswap_iter.ts';
import { heldCluster, noCluster, vswap_iter, vswap_iter_done } from './vswap_iter.ts';
import type { SwpEntry } from './vswap_types.ts';
import { setSlot, setZswapEntry } from './vswap_types.ts';
import type { ZswapEntry } from '../mm/zswap_types.ts';

/**
 * vswap_store_folio: the folio becomes the backing of its slots (type FOLIO). zswap_load uses it to drop its
 * copy (STORE_FOLIO); try_to_unuse uses it to take slots off a device (SWAPOFF_UNUSE for the SWAPFILE ones).
 */
export function* vswap_store_folio(k: V6Kernel, entry: SwpEntry, folio: Folio, by = 'vswap_store_folio', swapoff = false): Task {
  k.bugOn(folio.swap !== entry, `vswap_store_folio: ${folio} is not at slot ${entry}`);
  const ref = noCluster();
  yield* rcu_read_lock(k.m);
  const first = yield* vswap_iter(k, ref, entry);
  if (!first) return k.m.fail('bug', `VM_WARN_ON: vswap_store_folio: slot ${entry} not allocated`);
  const c = heldCluster(k, ref);
  const before: SwapType[] = [];
  for (let i = 0; i < folio.nr; i++) before.push(descOf(k, c, entry + i, by).type);
  yield* release_backing(k, c, entry, folio.nr, null);
  for (let i = 0; i < folio.nr; i++) {
    const d = descOf(k, c, entry + i, by);
    d.type = 'FOLIO';
    d.swapCache = folio;
    const ev: VirtualEventType = swapoff && before[i] === 'SWAPFILE' ? 'SWAPOFF_UNUSE' : 'STORE_FOLIO';
    k.emitVirtual(c, entry + i, ev, by);
  }
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
}

/**
 * vswap_check_backing: how many slots from entry share the first slot's backing (same type; contiguous physical
 * slots; same folio). Leaves the last cluster locked in `ref` (the caller unlocks).
 */
function* vswap_check_backing(k: V6Kernel, entry: SwpEntry, nr: number, ref: ClusterRef): Task<{ n: number; type: SwapType | null }> {
  let type: SwapType | null = null;
  let firstSlot: PhysSlotId | null = null;
  let firstFolio: unknown = null;
  let i = 0;
  for (; i < nr; i++) {
    const d = yield* vswap_iter(k, ref, entry + i);
    if (!d) break;
    if (i === 0) {
      type = d.type;
      firstSlot = d.slot;
      firstFolio = d.swapCache;
    } else if (d.type !== type) {
      break;
    } else if (type === 'SWAPFILE' && (d.slot?.dev !== firstSlot?.dev || d.slot?.offset !== (firstSlot?.offset ?? 0) + i)) {
      break;
    } else if (type === 'FOLIO' && d.swapCache !== firstFolio) {
      break;
    }
  }
  return { n: i, type };
}

/** vswap_prepare_writeout: keeps contiguous SWAPFILE or FOLIO backing, otherwise releases it and stores the folio. */
export function* vswap_prepare_writeout(k: V6Kernel, entry: SwpEntry, folio: Folio): Task {
  const ref = noCluster();
  yield* rcu_read_lock(k.m);
  const { n, type } = yield* vswap_check_backing(k, entry, folio.nr, ref);
  if ((n === folio.nr && (type === 'SWAPFILE' || type === 'FOLIO')) || !ref.cluster) {
    yield* vswap_iter_done(k, ref);
    yield* rcu_read_unlock(k.m);
    return;
  }
  const c = ref.cluster;
  yield* release_backing(k, c, entry, folio.nr, null);
  for (let i = 0; i < folio.nr; i++) {
    const d = descOf(k, c, entry + i, 'vswap_prepare_writeout');
    d.type = 'FOLIO';
    d.swapCache = folio;
    k.emitVirtual(c, entry + i, 'STORE_FOLIO', 'vswap_prepare_writeout');
  }
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
}

/** swap_zeromap_folio_set: the folio is all zeroes; its slots need no storage (type ZERO). */
export function* swap_zeromap_folio_set(k: V6Kernel, folio: Folio): Task {
  const entry = folio.swap;
  k.bugOn(!entry, `swap_zeromap_folio_set: ${folio} has no swap entry`);
  const ref = noCluster();
  yield* rcu_read_lock(k.m);
  if (!(yield* vswap_iter(k, ref, entry))) return k.m.fail('bug', `VM_WARN_ON: swap_zeromap_folio_set: slot ${entry}`);
  const c = heldCluster(k, ref);
  yield* release_backing(k, c, entry, folio.nr, null);
  for (let i = 0; i < folio.nr; i++) {
    descOf(k, c, entry + i, 'swap_zeromap_folio_set').type = 'ZERO';
    k.emitVirtual(c, entry + i, 'STORE_ZERO', 'swap_zeromap_folio_set');
  }
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
}

/** zswap_entry_store: a zswap object becomes the backing of one slot (type ZSWAP). */
export function* zswap_entry_store(k: V6Kernel, swpentry: SwpEntry, ze: ZswapEntry): Task {
  const ref = noCluster();
  yield* rcu_read_lock(k.m);
  const d = yield* vswap_iter(k, ref, swpentry);
  if (!d) return k.m.fail('bug', `VM_WARN_ON: zswap_entry_store: slot ${swpentry} not allocated`);
  const c = heldCluster(k, ref);
  yield* release_backing(k, c, swpentry, 1, null);
  setZswapEntry(d, ze);
  d.type = 'ZSWAP';
  k.emitVirtual(c, swpentry, 'STORE_ZSWAP', 'zswap_entry_store');
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
}

/** zswap_entry_load: the zswap object backing a slot, if its type is ZSWAP. */
export function* zswap_entry_load(k: V6Kernel, swpentry: SwpEntry): Task<ZswapEntry | null> {
  const ref = noCluster();
  yield* rcu_read_lock(k.m);
  const d = yield* vswap_iter(k, ref, swpentry);
  if (!d) {
    yield* rcu_read_unlock(k.m);
    return null;
  }
  const type = d.type;
  const ze = d.zswapEntry;
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
  return type === 'ZSWAP' ? ze : null;
}

/**
 * vswap_alloc_swap_slot: gives a swap-cache folio's slots physical backing (kept if they already have it), charging
 * memcg swap on cgroup v2. FOLIO -> SWAPFILE is the zswap-reject fallback; ZSWAP -> SWAPFILE is zswap writeback.
 */
export function* vswap_alloc_swap_slot(k: V6Kernel, folio: Folio): Task<PhysSlotId | null> {
  const nr = folio.nr;
  const entry = folio.swap;
  const ref = noCluster();
  yield* rcu_read_lock(k.m);
  const d0 = yield* vswap_iter(k, ref, entry);
  if (!d0) return k.m.fail('bug', `VM_WARN_ON: vswap_alloc_swap_slot: slot ${entry} not allocated`);
  const c = heldCluster(k, ref);
  const existing = d0.type === 'SWAPFILE' ? d0.slot : null;
  const memcg = mem_cgroup_from_id(k, d0.memcgid);
  yield* spin_unlock(k.m, c.lock);
  yield* rcu_read_unlock(k.m);
  if (existing) return existing;

  for (let i = 0; i < nr; i++) k.physInFlight.add(entry + i);
  const slot = yield* swap_slot_alloc(k, folio.order, entry);
  if (!slot || !mem_cgroup_try_charge_swap(k, memcg, nr)) {
    if (slot) yield* swap_slot_free_nr(k, slot, nr);
    for (let i = 0; i < nr; i++) k.physInFlight.delete(entry + i);
    return null;
  }
  yield* spin_lock(k.m, c.lock);
  let fallback = false;
  for (let i = 0; i < nr; i++) {
    const d = descOf(k, c, entry + i, 'vswap_alloc_swap_slot');
    let ev: VirtualEventType;
    if (d.type === 'FOLIO') {
      fallback = true;
      k.warnOn(d.swapCache !== folio, `vswap_alloc_swap_slot: slot ${entry + i} does not hold ${folio}`);
      ev = 'STORE_SWAPFILE';
    } else {
      // zswap writeback: zswap_writeback_entry frees the object right after decompressing it, before the write
      k.warnOn(d.type !== 'ZSWAP' || fallback, `vswap_alloc_swap_slot: slot ${entry + i} has type ${d.type}`);
      ev = 'ZSWAP_WRITEBACK';
    }
    d.type = 'SWAPFILE';
    setSlot(d, { dev: slot.dev, offset: slot.offset + i });
    k.physInFlight.delete(entry + i);
    k.emitVirtual(c, entry + i, ev, 'vswap_alloc_swap_slot');
  }
  yield* spin_unlock(k.m, c.lock);
  return slot;
}

/** swp_entry_to_swp_slot: the physical slot backing a virtual slot, or null. */
export function* swp_entry_to_swp_slot(k: V6Kernel, entry: SwpEntry): Task<PhysSlotId | null> {
  const ref = noCluster();
  yield* rcu_read_lock(k.m);
  const d = yield* vswap_iter(k, ref, entry);
  const slot = d && d.type === 'SWAPFILE' ? d.slot : null;
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
  return slot;
}
