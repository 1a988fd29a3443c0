// Slot allocation on the swap table (mm/swapfile.c): folio_alloc_swap puts a folio in the swap cache on free slots
// (count 0): the per-CPU hinted cluster first (swap_alloc_fast), else the devices in turn (swap_alloc_slow) through
// the cluster lists (cluster_alloc_swap_entry). With the STE, vswap_si is tried first, and a folio already in the
// swap cache gets physical slots that only point back at its vswap slots (folio_realloc_swap's allocation).
import type { Folio } from '../mm/folio.ts';
import type { LocalLock, Task } from '../sim.ts';
import { kmalloc, local_lock, local_unlock, rcu_read_lock, rcu_read_unlock, spin_lock, spin_unlock } from '../sim.ts';
import { EINVAL, type SwpEntry } from '../swap.ts';
import { cluster_is_usable, isolate_lock_cluster, relocate_cluster } from './cluster.ts';
import { emitCi, emitPhys } from './instrument.ts';
import type { SwapTableKernel } from './kernel.ts';
import { __swap_table_get, __swap_table_set, cluster_offset, swap_cluster_lock, swap_cluster_unlock, swap_table_get } from './lock.ts';
import { __mem_cgroup_try_charge_swap } from './memcg.ts';
import { __try_to_reclaim_swap, TTRS_ANYWAY } from './reclaim.ts';
import { swap_cache_del_folio } from './swap_state.ts';
import { folio_to_swp_tb, swp_entry, swp_offset, swp_tb_get_count, type SwapClusterInfo, type SwapInfoStruct } from './types.ts';

/** The per-CPU hint cache and local lock an allocation on si uses (vswap_si has its own, STE v1 cover). */
export function percpuOf(k: SwapTableKernel, si: SwapInfoStruct): { ll: LocalLock; offsets: () => number[]; sis: (() => (SwapInfoStruct | null)[]) | null } {
  if (si.vswap) {
    const v = k.vswap!;
    return { ll: v.percpuLock, offsets: () => v.percpu[k.m.cpu()]!.offset, sis: null };
  }
  return { ll: k.percpuSwapLock, offsets: () => k.percpuSwapCluster[k.m.cpu()]!.offset, sis: () => k.percpuSwapCluster[k.m.cpu()]!.si };
}

/** swap_range_alloc: inuse_pages grows; a device that is now full leaves the avail list. */
function* swap_range_alloc(k: SwapTableKernel, si: SwapInfoStruct, nr: number): Task {
  si.inuse += nr;
  if (si.vswap || si.inuse < usablePages(si)) return;
  yield* spin_lock(k.m, k.swapAvailLock);
  const i = k.availList.indexOf(si);
  if (i >= 0) k.availList.splice(i, 1);
  yield* spin_unlock(k.m, k.swapAvailLock);
}

/** si->pages: slots that may ever be handed out (not the header, not the bad ones). */
export function usablePages(si: SwapInfoStruct): number {
  return si.slots - 1 - si.badList.length;
}

/**
 * __swap_cluster_alloc_entries: takes nr slots at ci_off. A folio not yet in the swap cache enters it (PFN entries
 * with count 0); a folio already there (an STE vswap folio getting physical backing) gets Pointer entries back to
 * its vswap slots. false when the device stopped being writable (swapoff's wait_for_allocation relies on it).
 */
function* __swap_cluster_alloc_entries(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, folio: Folio, ciOff: number): Task<boolean> {
  if (!si.writeOk) return false;
  const nr = folio.nr;
  const base = cluster_offset(si, ci);
  if (folio.swapcache) {
    const voff = swp_offset(folio.swap);
    // fault 'ste-rmap-large-first-entry': one precomputed Pointer (the folio's first slot) for every page
    const same = k.faultOn('ste-rmap-large-first-entry');
    for (let i = 0; i < nr; i++) {
      const back = same ? voff : voff + i;
      __swap_table_set(k, ci, ciOff + i, { kind: 'ptr', voff: back, cacheOnly: false });
      emitPhys(k, si, base + ciOff + i, 'PHYS_ALLOC', 'folio_realloc_swap', back);
    }
  } else {
    // __swap_cache_add_folio
    const entry = swp_entry(si.type, base + ciOff);
    for (let i = 0; i < nr; i++) {
      const old = __swap_table_get(k, ci, ciOff + i);
      k.warnOn(old.kind !== 'null', `__swap_cluster_alloc_entries: slot ${base + ciOff + i} is ${old.kind}`);
      __swap_table_set(k, ci, ciOff + i, folio_to_swp_tb(folio, old));
    }
    folio.refs += nr;
    folio.swapcache = true;
    folio.swap = entry;
    for (let i = 0; i < nr; i++) {
      emitCi(k, si, ci, ciOff + i, 'ALLOC', 'folio_alloc_swap');
      emitPhys(k, si, base + ciOff + i, 'PHYS_ALLOC', 'folio_alloc_swap');
    }
  }
  if (!ci.count) ci.order = folio.order;
  ci.count += nr;
  yield* swap_range_alloc(k, si, nr);
  return true;
}

/**
 * cluster_scan_range: every slot free, or (when swap is full, on a physical device) cached with count 0, which
 * cluster_reclaim_range may then reclaim. ci->lock held.
 */
function cluster_scan_range(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, start: number, nr: number): { ok: boolean; reclaim: boolean } {
  let reclaim = false;
  for (let i = start; i < start + nr; i++) {
    const tb = __swap_table_get(k, ci, i);
    if (tb.kind === 'null') continue;
    if (tb.kind === 'pfn' && tb.count === 0 && !si.vswap && k.vm_swap_full()) {
      reclaim = true;
      continue;
    }
    return { ok: false, reclaim };
  }
  return { ok: true, reclaim };
}

/**
 * cluster_reclaim_range: with ci->lock dropped, reclaims the cache-only folios of a range (an STE Pointer slot
 * through its vswap folio), then relocks and re-checks that the cluster is still usable and the range free.
 */
function* cluster_reclaim_range(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, start: number, order: number): Task<{ usable: boolean; ok: boolean }> {
  const nr = 1 << order;
  const base = cluster_offset(si, ci);
  yield* rcu_read_lock(k.m);
  yield* spin_unlock(k.m, ci.lock);
  for (let off = base + start; off < base + start + nr; off++) {
    const tb = yield* swap_table_get(k, si, off);
    if (tb.kind === 'ptr' && k.vswap) {
      yield* rcu_read_unlock(k.m);
      const r = yield* k.vswap.try_to_reclaim_vswap_backing(si, off);
      yield* rcu_read_lock(k.m);
      if (r < 0) break;
      continue;
    }
    if (swp_tb_get_count(tb)) break;
    if (tb.kind === 'pfn' && (yield* __try_to_reclaim_swap(k, si, off, TTRS_ANYWAY)) < 0) break;
  }
  yield* rcu_read_unlock(k.m);
  yield* spin_lock(k.m, ci.lock);
  if (!cluster_is_usable(ci, order)) return { usable: false, ok: false };
  if (ci.count === 0) return { usable: true, ok: true };
  for (let i = start; i < start + nr; i++) if (__swap_table_get(k, ci, i).kind !== 'null') return { usable: true, ok: false };
  return { usable: true, ok: true };
}

/**
 * alloc_swap_scan_cluster: the first aligned free range of ci from `offset`; ci->lock held on entry and always
 * released. Updates this CPU's hint for the order (the next range, or none) and relocates the cluster.
 */
export function* alloc_swap_scan_cluster(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, folio: Folio, offset: number): Task<number> {
  const nr = folio.nr;
  const order = folio.order;
  const base = cluster_offset(si, ci);
  const end = base + si.clusterSize;
  let found = 0;
  let next = 0;
  k.warnOn(!cluster_is_usable(ci, order), `alloc_swap_scan_cluster: ${si.vswap ? 'vswap' : `swap${si.index}`} cluster ${ci.id} (${ci.flags}, order ${ci.order}, count ${ci.count}) not usable for order ${order}`);
  if (ci.count + nr <= si.clusterSize) {
    for (let off = offset; off <= end - nr; off += nr) {
      const scan = cluster_scan_range(k, si, ci, off - base, nr);
      if (!scan.ok) continue;
      if (scan.reclaim) {
        const r = yield* cluster_reclaim_range(k, si, ci, off - base, order);
        if (!r.usable) break;
        if (ci.count === 0) off = base;
        if (!r.ok) continue;
      }
      // STE v2 6/7: a physical cluster's memcg table is allocated once one of its slots is used directly
      if (k.vswap && !si.vswap && !folio.swapcache && !ci.memcgTable) {
        const mem = yield* kmalloc(k.m, 'swap_memcg_table', 'GFP_ATOMIC');
        if (!mem) break;
        ci.memcgTable = new Array<number>(si.clusterSize).fill(0);
        ci.memcgMem = mem;
      }
      if (!(yield* __swap_cluster_alloc_entries(k, si, ci, folio, off - base))) break;
      found = off;
      if (off + nr < end && ci.count < si.clusterSize) next = off + nr;
      break;
    }
  }
  yield* relocate_cluster(k, si, ci);
  yield* swap_cluster_unlock(k, ci);
  const pc = percpuOf(k, si);
  pc.offsets()[order] = next;
  if (pc.sis) pc.sis()[order] = si;
  return found;
}

/** alloc_swap_scan_list: clusters taken off `list` one by one (or just the first) until one gives a range. */
function* alloc_swap_scan_list(k: SwapTableKernel, si: SwapInfoStruct, list: SwapClusterInfo[], folio: Folio, scanAll: boolean): Task<number> {
  const { ll } = percpuOf(k, si);
  for (;;) {
    const ci = yield* isolate_lock_cluster(k, si, list, ll);
    if (!ci) return 0;
    const found = yield* alloc_swap_scan_cluster(k, si, ci, folio, cluster_offset(si, ci));
    if (found || !scanAll) return found;
  }
}

/**
 * swap_reclaim_full_clusters: cache-only folios of a full cluster are reclaimed with its lock dropped around each
 * (an STE Pointer slot marked cache-only through its vswap folio); the cluster is relocated only if nobody else
 * did meanwhile.
 */
export function* swap_reclaim_full_clusters(k: SwapTableKernel, si: SwapInfoStruct, force: boolean): Task {
  let toScan = force ? Math.ceil(si.inuse / si.clusterSize) : 1;
  const { ll } = percpuOf(k, si);
  while (toScan-- > 0) {
    const ci = yield* isolate_lock_cluster(k, si, si.full, ll);
    if (!ci) return;
    const base = cluster_offset(si, ci);
    for (let off = base; off < Math.min(si.slots, base + si.clusterSize); off++) {
      const tb = yield* swap_table_get(k, si, off);
      let r = 0;
      if (tb.kind === 'pfn' && tb.count === 0) {
        yield* spin_unlock(k.m, ci.lock);
        r = yield* __try_to_reclaim_swap(k, si, off, TTRS_ANYWAY);
        yield* spin_lock(k.m, ci.lock);
      } else if (tb.kind === 'ptr' && tb.cacheOnly && k.vswap) {
        yield* spin_unlock(k.m, ci.lock);
        r = yield* k.vswap.try_to_reclaim_vswap_backing(si, off);
        yield* spin_lock(k.m, ci.lock);
      }
      if (r > 0) off += r - 1;
    }
    if (ci.flags === 'NONE') yield* relocate_cluster(k, si, ci);
    yield* spin_unlock(k.m, ci.lock);
  }
}

/**
 * cluster_alloc_swap_entry: nonfull clusters of the order (vswap_si: then a new dynamic cluster), a free one, full
 * clusters' cache reclaimed when swap is full, a fragmented one; order 0 falls back to other orders' clusters.
 */
export function* cluster_alloc_swap_entry(k: SwapTableKernel, si: SwapInfoStruct, folio: Folio): Task<number> {
  const order = folio.order;
  const pmdOrder = k.nrOrders - 1;
  let found = 0;
  if (order < pmdOrder) found = yield* alloc_swap_scan_list(k, si, si.nonfull[order]!, folio, true);
  if (!found && si.vswap) found = yield* k.vswap!.alloc_swap_scan_dynamic(folio);
  if (!found) found = yield* alloc_swap_scan_list(k, si, si.freeClusters, folio, false);
  if (!found && !si.vswap && k.vm_swap_full()) yield* swap_reclaim_full_clusters(k, si, false);
  if (!found && order < pmdOrder) found = yield* alloc_swap_scan_list(k, si, si.frag[order]!, folio, false);
  if (!found && order === 0) {
    for (let o = 1; o < k.nrOrders && !found; o++) {
      found = yield* alloc_swap_scan_list(k, si, si.frag[o]!, folio, true);
      if (!found) found = yield* alloc_swap_scan_list(k, si, si.nonfull[o]!, folio, true);
    }
  }
  return found;
}

/** get_swap_device_info: percpu_ref_tryget_live on si->users (vswap_si has none: always). */
export function* get_swap_device_info(k: SwapTableKernel, si: SwapInfoStruct): Task<boolean> {
  if (si.vswap) return true;
  yield* k.m.pointShared(`percpu_ref_tryget_live(swap ${si.index} users)`, si.usersName);
  if (!si.usersLive) return false;
  si.users++;
  return true;
}

/** put_swap_device on a device taken with get_swap_device_info. */
export function* put_swap_device_info(k: SwapTableKernel, si: SwapInfoStruct): Task {
  if (si.vswap) return;
  yield* k.m.pointShared(`percpu_ref_put(swap ${si.index} users)`, si.usersName);
  k.warnOn(si.users <= 0, `put_swap_device: swap ${si.index} users underflow`);
  si.users--;
}

/**
 * swap_alloc_fast: the cluster this CPU's hint names, if it is still usable; the allocated entry or 0. Local lock
 * held.
 */
export function* swap_alloc_fast(k: SwapTableKernel, folio: Folio): Task<SwpEntry> {
  const order = folio.order;
  const pc = k.percpuSwapCluster[k.m.cpu()]!;
  const si = pc.si[order];
  let off = pc.offset[order]!;
  if (!si || !off || !(yield* get_swap_device_info(k, si))) return 0;
  let found = 0;
  const ci = yield* swap_cluster_lock(k, si, off);
  if (ci) {
    if (cluster_is_usable(ci, order)) {
      if (!ci.count) off = cluster_offset(si, ci);
      found = yield* alloc_swap_scan_cluster(k, si, ci, folio, off);
    } else {
      yield* swap_cluster_unlock(k, ci);
    }
  }
  yield* put_swap_device_info(k, si);
  return found ? swp_entry(si.type, found) : 0;
}

/**
 * swap_alloc_slow: each device with free slots in turn (rotated among equal priorities); a large folio tries only
 * the first. The allocated entry or 0.
 */
export function* swap_alloc_slow(k: SwapTableKernel, folio: Folio): Task<SwpEntry> {
  yield* spin_lock(k.m, k.swapAvailLock);
  for (const si of [...k.availList]) {
    const i = k.availList.indexOf(si);
    if (i < 0) continue;
    // plist_requeue
    k.availList.splice(i, 1);
    k.availList.push(si);
    yield* spin_unlock(k.m, k.swapAvailLock);
    if (yield* get_swap_device_info(k, si)) {
      const off = yield* cluster_alloc_swap_entry(k, si, folio);
      yield* put_swap_device_info(k, si);
      if (off) return swp_entry(si.type, off);
      if (folio.nr > 1) return 0;
    }
    yield* spin_lock(k.m, k.swapAvailLock);
  }
  yield* spin_unlock(k.m, k.swapAvailLock);
  return 0;
}

/**
 * folio_alloc_swap: the locked, uptodate folio enters the swap cache on free slots with count 0 (vswap_si first
 * with the STE), then cgroup v2's swap charge (a failed charge takes the folio back out, freeing the slots).
 */
export function* folio_alloc_swap(k: SwapTableKernel, folio: Folio): Task<boolean> {
  k.warnOn(folio.swapcache, `folio_alloc_swap: ${folio} already in the swap cache`);
  k.bugOn(!folio.uptodate, `folio_alloc_swap: ${folio} not uptodate`);
  const maxCluster = Math.max(...k.devices.map((d) => d.clusterSize), k.vswap?.si.clusterSize ?? 0);
  if (folio.nr > maxCluster) return k.m.fail('bug', `WARN_ON: folio_alloc_swap: ${folio} larger than a cluster (-${EINVAL})`);
  if (!(k.vswap && (yield* k.vswap.vswap_alloc(folio)))) {
    yield* local_lock(k.m, k.percpuSwapLock);
    if (!(yield* swap_alloc_fast(k, folio))) yield* swap_alloc_slow(k, folio);
    yield* local_unlock(k.m, k.percpuSwapLock);
  }
  if (folio.swapcache && k.vswap && k.isVswapEntry(folio.swap)) {
    yield* k.vswap.mem_cgroup_record_swap(folio);
  } else if ((yield* __mem_cgroup_try_charge_swap(k, folio)) !== 0) {
    yield* swap_cache_del_folio(k, folio);
  }
  return folio.swapcache;
}
