// swapon's cluster setup and swapoff on the swap table (mm/swapfile.c): setup_swap_clusters_info marks the header
// slot and the bad pages; try_to_unuse walks every mm for PTEs holding the device's entries, swaps each in and puts
// the page back in the PTE (unuse_pte), then frees what is left in the swap cache, until the device is empty.
import { folio_lock, folio_put, folio_unlock, folio_wait_writeback } from '../mm/folio.ts';
import type { Folio } from '../mm/folio.ts';
import { MMLIST, type MmStruct } from '../mm/mm.ts';
import type { Task } from '../sim.ts';
import { kfree, kmalloc_plain, sched, schedule_timeout, spin_lock, spin_unlock } from '../sim.ts';
import { folio_matches_swap_entry, type SwpEntry } from '../swap.ts';
import { folio_put_swap } from './count.ts';
import { emitPhys } from './instrument.ts';
import type { SwapTableKernel } from './kernel.ts';
import { swap_cluster_lock, swap_cluster_unlock, swap_table_get } from './lock.ts';
import { folio_free_swap } from './reclaim.ts';
import { swap_cache_get_folio, swap_cache_read_folio } from './swap_state.ts';
import { BAD_TB, NULL_TB, SwapClusterInfo, swp_entry, swp_offset, swp_tb_get_count, swp_type, type SwpTb, type SwapInfoStruct } from './types.ts';

/**
 * setup_swap_clusters_info (swapon's header read): the clusters, the header slot 0 and the bad pages marked bad
 * (their clusters get a table now and start on nonfull[0]), the rest free; then the device is enabled.
 */
export function setup_swap_device(k: SwapTableKernel, si: SwapInfoStruct): void {
  si.clusterInfo.clear();
  si.freeClusters.length = 0;
  si.full.length = 0;
  for (const l of [...si.nonfull, ...si.frag]) l.length = 0;
  for (let c = 0; c < si.slots / si.clusterSize; c++) si.clusterInfo.set(c, new SwapClusterInfo(c, k.m.spinlock('swap_cluster_info->lock'), null));
  for (const off of [0, ...si.badList]) {
    const ci = si.cluster(off)!;
    // (the table pointer and the entry below: the cluster's key, footprint.ts)
    k.m.touchGuarded(ci.lock);
    if (!ci.table) {
      ci.table = new Array<SwpTb>(si.clusterSize).fill(NULL_TB);
      ci.tableMem = kmalloc_plain(k.m, 'swap_table');
      if (!k.vswap) {
        ci.memcgTable = new Array<number>(si.clusterSize).fill(0);
        ci.memcgMem = kmalloc_plain(k.m, 'swap_memcg_table');
      }
    }
    ci.table[off % si.clusterSize] = BAD_TB;
    ci.count++;
    emitPhys(k, si, off, 'MARK_BAD', 'swapon');
  }
  for (const ci of si.clusterInfo.values()) {
    ci.flags = ci.count ? 'NONFULL' : 'FREE';
    (ci.count ? si.nonfull[0]! : si.freeClusters).push(ci);
  }
  si.inuse = 0;
  si.written.fill(false);
  si.zswapTree.clear();
  // enable_swap_info: the users reference resurrected, SWP_WRITEOK, on the avail list
  si.users = 0;
  si.usersLive = true;
  si.on = true;
  si.writeOk = true;
  if (!k.availList.includes(si)) k.availList.push(si);
}

/** swapoff's teardown once the device is empty: per-CPU hints flushed, cluster tables freed, slots out of service. */
export function swapoff_teardown(k: SwapTableKernel, si: SwapInfoStruct): void {
  for (const pc of k.percpuSwapCluster) {
    for (let o = 0; o < pc.si.length; o++) {
      if (pc.si[o] === si) {
        pc.si[o] = null;
        pc.offset[o] = 0;
      }
    }
  }
  for (const ci of si.clusterInfo.values()) {
    k.warnOn(ci.table?.some((tb) => tb.kind !== 'null' && tb.kind !== 'bad') ?? false, `free_swap_cluster_info: swap${si.index} cluster ${ci.id} not empty`);
    if (ci.tableMem) kfree(k.m, ci.tableMem);
    if (ci.memcgMem) kfree(k.m, ci.memcgMem);
    if (ci.extendMem) kfree(k.m, ci.extendMem);
    k.m.touchGuarded(ci.lock);
    ci.table = ci.memcgTable = ci.extendTable = null;
    ci.tableMem = ci.memcgMem = ci.extendMem = null;
  }
  k.warnOn(si.zswapTree.size > 0, `zswap_swapoff: swap${si.index} still has zswap objects`);
  for (let off = 0; off < si.slots; off++) k.emitPhysical(si, off, 'SWAPOFF', 'swapoff');
  si.clusterInfo.clear();
  si.freeClusters.length = 0;
  si.full.length = 0;
  for (const l of [...si.nonfull, ...si.frag]) l.length = 0;
}

/** del_from_avail_list and wait_for_allocation: no new allocation, and the ones under way have finished. */
function* stop_allocation(k: SwapTableKernel, si: SwapInfoStruct): Task {
  yield* spin_lock(k.m, k.swapAvailLock);
  const i = k.availList.indexOf(si);
  if (i >= 0) k.availList.splice(i, 1);
  yield* spin_unlock(k.m, k.swapAvailLock);
  for (let off = 0; off < si.slots; off += si.clusterSize) {
    const ci = yield* swap_cluster_lock(k, si, off);
    if (ci) yield* swap_cluster_unlock(k, ci);
  }
}

/**
 * unuse_pte: the page goes back into the PTE that still holds its swap entry; the PTE's reference moves to the
 * folio (folio_put_swap under the page-table lock). The folio is locked and was re-checked by the caller.
 */
function* unuse_pte(k: SwapTableKernel, mm: MmStruct, page: number, entry: SwpEntry, folio: Folio): Task {
  if (!folio_matches_swap_entry(folio, entry)) return;
  yield* spin_lock(k.m, mm.ptl);
  const pte = mm.ptes.get(page);
  if (!pte || pte.kind !== 'swap' || pte.entry !== entry) {
    yield* spin_unlock(k.m, mm.ptl);
    return;
  }
  k.warnOn(!folio.uptodate, `unuse_pte: ${folio} is not uptodate`);
  mm.ptes.set(page, { kind: 'present', folio, idx: entry - folio.swap, writable: false });
  folio.mapcount++;
  folio.refs++;
  yield* folio_put_swap(k, folio, entry);
  yield* spin_unlock(k.m, mm.ptl);
}

/** unuse_mm: every PTE of mm holding an entry of si (read without the PTL, re-checked under it in unuse_pte). */
function* unuse_mm(k: SwapTableKernel, si: SwapInfoStruct, mm: MmStruct): Task<boolean> {
  for (const page of mm.pages()) {
    yield* sched(k.m, `unuse_pte_range: mm ${mm.id} page ${page}`);
    const pte = mm.ptes.get(page);
    if (pte?.kind !== 'swap' || swp_type(pte.entry) !== si.type) continue;
    const entry = pte.entry;
    let folio = yield* swap_cache_get_folio(k, entry);
    if (!folio) {
      const got = yield* swap_cache_read_folio(k, entry, { si: null }, 'recorded');
      if (typeof got === 'number') {
        const tb = yield* swap_table_get(k, si, swp_offset(entry));
        if (swp_tb_get_count(tb) <= 0) continue;
        return false;
      }
      folio = got;
    }
    yield* folio_lock(k, folio);
    yield* folio_wait_writeback(k, folio);
    yield* unuse_pte(k, mm, page, entry, folio);
    yield* folio_free_swap(k, folio);
    yield* folio_unlock(k, folio);
    folio_put(k, folio);
  }
  return true;
}

/**
 * try_to_unuse: allocation stopped, (STE) the vswap slots this device backs let go of it, every mm's PTEs of the
 * device swapped back in, then what only the swap cache still holds freed; again until inuse_pages is 0.
 */
export function* try_to_unuse(k: SwapTableKernel, si: SwapInfoStruct): Task {
  yield* stop_allocation(k, si);
  for (let pass = 0; si.inuse > 0; pass++) {
    // goto retry: a slot still in use is held by a task that has to make progress first (a fault between its
    // read and its map, a writeback in flight); let the other CPUs run (cond_resched on a real machine)
    if (pass) yield* schedule_timeout(k.m, `try_to_unuse: swap${si.index} still has ${si.inuse} slot(s) in use`);
    if (k.vswap) yield* k.vswap.try_to_unuse_vswap(si);
    k.m.touchShared(MMLIST);
    for (const mm of [...k.mms]) if (!(yield* unuse_mm(k, si, mm))) break;
    for (let off = 1; off < si.slots && si.inuse > 0; off++) {
      const tb = yield* swap_table_get(k, si, off);
      if (tb.kind !== 'pfn') continue;
      const entry = swp_entry(si.type, off);
      const folio = yield* swap_cache_get_folio(k, entry);
      if (!folio) continue;
      yield* folio_lock(k, folio);
      yield* folio_wait_writeback(k, folio);
      if (folio_matches_swap_entry(folio, entry)) yield* folio_free_swap(k, folio);
      yield* folio_unlock(k, folio);
      folio_put(k, folio);
    }
  }
}
