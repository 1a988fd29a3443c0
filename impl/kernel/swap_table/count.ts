// The swap count on the swap table (mm/swapfile.c): kept in the table entry up to COUNT_MAX, then in the cluster's
// extend_table. folio_dup_swap / folio_put_swap need the folio locked in the swap cache; swap_dup_entry_direct and
// swap_put_entries_direct are for PTE owners (the page-table lock excludes racing puts). A put that frees an uncached
// count-1 slot frees it directly; a cached slot that reaches 0 stays until its folio leaves the cache.
import type { Folio } from '../mm/folio.ts';
import type { Task } from '../sim.ts';
import { kfree, kmalloc, spin_lock, spin_unlock, test_bit_locked } from '../sim.ts';
import { EINVAL, ENOENT, ENOMEM, type SwpEntry } from '../swap.ts';
import { emitCi } from './instrument.ts';
import type { SwapTableKernel } from './kernel.ts';
import { __swap_cluster_free_entries } from './free.ts';
import { __swap_table_get, __swap_table_set, ci_off, swap_cluster_lock, swap_cluster_unlock } from './lock.ts';
import { __try_to_reclaim_swap, TTRS_FULL, TTRS_UNMAPPED } from './reclaim.ts';
import { get_swap_device_info, put_swap_device_info } from './alloc.ts';
import { __swp_tb_mk_count, swp_tb_get_count, type SwapClusterInfo, type SwapInfoStruct } from './types.ts';

/** swap_extend_table_try_free: the extend table goes once no slot needs it. ci->lock held. */
function swap_extend_table_try_free(k: SwapTableKernel, ci: SwapClusterInfo): void {
  if (!ci.extendTable || ci.extendTable.some((c) => c !== 0)) return;
  kfree(k.m, ci.extendMem!);
  ci.extendTable = null;
  ci.extendMem = null;
}

/** __swap_cluster_dup_entry: one more reference on a slot; -ENOMEM when it must overflow and has no extend table. */
function __swap_cluster_dup_entry(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, off: number, by: string): number {
  const tb = __swap_table_get(k, ci, off);
  if (tb.kind === 'bad' || tb.kind === 'ptr') {
    k.warnOn(true, `__swap_cluster_dup_entry: slot ${off} of cluster ${ci.id} is ${tb.kind}`);
    return -EINVAL;
  }
  const count = swp_tb_get_count(tb);
  if (count === 0 && tb.kind !== 'pfn') {
    k.warnOn(true, `__swap_cluster_dup_entry: slot ${off} of cluster ${ci.id} is free`);
    return -ENOENT;
  }
  const max = k.countMax;
  if (count < max - 1) {
    __swap_table_set(k, ci, off, __swp_tb_mk_count(tb, count + 1));
  } else if (count === max - 1) {
    if (!ci.extendTable) return -ENOMEM;
    ci.extendTable[off] = max;
    __swap_table_set(k, ci, off, __swp_tb_mk_count(tb, max));
  } else {
    ci.extendTable![off]! += 1;
  }
  emitCi(k, si, ci, off, 'DUP', by);
  return 0;
}

/** __swap_cluster_put_entry: one reference less (never frees); the extend table shrinks back under COUNT_MAX. */
function __swap_cluster_put_entry(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, off: number, by: string): void {
  const tb = __swap_table_get(k, ci, off);
  const count = swp_tb_get_count(tb);
  const max = k.countMax;
  k.warnOn(count <= 0 || count > max, `__swap_cluster_put_entry: slot ${off} of cluster ${ci.id} has count ${count}`);
  let now: number;
  if (count === max) {
    const c = ci.extendTable![off]! - 1;
    k.warnOn(c < max - 1, `__swap_cluster_put_entry: extend count ${c + 1} of slot ${off} below COUNT_MAX`);
    if (c === max - 1) {
      ci.extendTable![off] = 0;
      __swap_table_set(k, ci, off, __swp_tb_mk_count(tb, max - 1));
    } else {
      ci.extendTable![off] = c;
    }
    now = c;
  } else {
    __swap_table_set(k, ci, off, __swp_tb_mk_count(tb, count - 1));
    now = count - 1;
  }
  emitCi(k, si, ci, off, 'PUT', by);
  if (now === max - 2 || now === max - 1) swap_extend_table_try_free(k, ci);
}

/**
 * swap_extend_table_alloc: allocated with ci->lock not held, installed under it after re-checking that the cluster
 * still has its table, the slot still needs it and nobody installed one meanwhile (0 also when not needed).
 */
function* swap_extend_table_alloc(k: SwapTableKernel, ci: SwapClusterInfo, off: number, size: number, gfp: 'GFP_ATOMIC' | 'GFP_KERNEL'): Task<number> {
  const mem = yield* kmalloc(k.m, 'swap_extend_table', gfp);
  if (!mem) return -ENOMEM;
  yield* spin_lock(k.m, ci.lock);
  const tb = ci.table?.[off];
  // fault 'swap-table-extend-no-recheck': the table is installed over one another CPU installed meanwhile
  const needed = tb !== undefined && swp_tb_get_count(tb) >= k.countMax - 1 && (k.faultOn('swap-table-extend-no-recheck') || !ci.extendTable);
  if (needed) {
    if (ci.extendMem) kfree(k.m, ci.extendMem);
    ci.extendTable = new Array<number>(size).fill(0);
    ci.extendMem = mem;
  }
  yield* spin_unlock(k.m, ci.lock);
  if (!needed) kfree(k.m, mem);
  return 0;
}

/**
 * swap_dup_entries_cluster: one more reference on nr slots of one cluster. Overflow without an extend table drops
 * ci->lock to allocate one (GFP_ATOMIC) and retries the same slot; any other failure rolls back what was done.
 * With the STE, vswap slots that went 0 -> 1 lose their physical slot's cache-only bit.
 */
function* swap_dup_entries_cluster(k: SwapTableKernel, si: SwapInfoStruct, offset: number, nr: number, by: string): Task<number> {
  const ci = yield* swap_cluster_lock(k, si, offset);
  if (!ci) return k.m.fail('bug', `swap_dup_entries_cluster: no cluster for ${si.index}:${offset}`);
  const start = ci_off(si, offset);
  let i = 0;
  while (i < nr) {
    let err = __swap_cluster_dup_entry(k, si, ci, start + i, by);
    if (err === -ENOMEM) {
      yield* spin_unlock(k.m, ci.lock);
      err = yield* swap_extend_table_alloc(k, ci, start + i, si.clusterSize, 'GFP_ATOMIC');
      yield* spin_lock(k.m, ci.lock);
      if (err === 0) continue;
    }
    if (err) {
      for (let j = i - 1; j >= 0; j--) __swap_cluster_put_entry(k, si, ci, start + j, `${by} (rollback)`);
      swap_extend_table_try_free(k, ci);
      yield* swap_cluster_unlock(k, ci);
      return err;
    }
    i++;
  }
  if (si.vswap) k.vswap!.vswap_clear_cache_only(ci, start, nr);
  yield* swap_cluster_unlock(k, ci);
  return 0;
}

/** folio_dup_swap: the PTE of one page of a locked swap-cache folio becomes a swap entry (try_to_unmap_one). */
export function* folio_dup_swap(k: SwapTableKernel, folio: Folio, entry: SwpEntry): Task<number> {
  k.warnOn(!test_bit_locked(k.m, folio.lock) || !folio.swapcache, `folio_dup_swap: ${folio} not locked in the swap cache`);
  const { si, off } = k.entryInfo(entry);
  return yield* swap_dup_entries_cluster(k, si, off, 1, 'folio_dup_swap');
}

/** swap_entry_swapped: whether the slot has a count (the debug check of swap_dup_entry_direct). */
function* swap_entry_swapped(k: SwapTableKernel, si: SwapInfoStruct, off: number): Task<boolean> {
  const ci = yield* swap_cluster_lock(k, si, off);
  if (!ci) return false;
  const count = swp_tb_get_count(__swap_table_get(k, ci, ci_off(si, off)));
  yield* swap_cluster_unlock(k, ci);
  return count > 0;
}

/** swap_dup_entry_direct: a copied PTE (fork) takes one more reference on its entry; the PTL keeps the entry alive. */
export function* swap_dup_entry_direct(k: SwapTableKernel, entry: SwpEntry): Task<number> {
  const { si, off } = k.entryInfo(entry);
  k.warnOn(!(yield* swap_entry_swapped(k, si, off)), `swap_dup_entry_direct: ${entry} has no swap count`);
  return yield* swap_dup_entries_cluster(k, si, off, 1, 'swap_dup_entry_direct');
}

/** swap_retry_table_alloc: fork's sleeping allocation of the extend table after an -ENOMEM, with no lock held. */
export function* swap_retry_table_alloc(k: SwapTableKernel, entry: SwpEntry): Task<number> {
  const { si, off } = k.entryInfo(entry);
  // the PTE locks were dropped: only a users reference keeps swapoff from tearing the device down meanwhile
  if (!(yield* get_swap_device_info(k, si))) return 0;
  const ci = si.cluster(off);
  const ret = ci ? yield* swap_extend_table_alloc(k, ci, ci_off(si, off), si.clusterSize, 'GFP_KERNEL') : 0;
  yield* put_swap_device_info(k, si);
  return ret;
}

/**
 * swap_put_entries_cluster: one reference less on nr slots of one cluster. An uncached count-1 slot joins a batch
 * freed without decrementing; a cached slot that reaches 0 stays (and, when asked, its folio is reclaimed after).
 */
function* swap_put_entries_cluster(k: SwapTableKernel, si: SwapInfoStruct, offset: number, nr: number, reclaimCache: boolean, by: string): Task {
  const ci = yield* swap_cluster_lock(k, si, offset);
  if (!ci) return k.m.fail('bug', `swap_put_entries_cluster: no cluster for ${si.index}:${offset}`);
  const start = ci_off(si, offset);
  let batch = -1;
  let needReclaim = false;
  for (let i = start; i < start + nr; i++) {
    const tb = __swap_table_get(k, ci, i);
    const count = swp_tb_get_count(tb);
    if (count === 1 && tb.kind !== 'pfn') {
      if (batch < 0) batch = i;
      continue;
    }
    if (count === 1 && tb.kind === 'pfn') {
      needReclaim = true;
      if (si.vswap) k.vswap!.vswap_mark_cache_only(ci, i);
    }
    __swap_cluster_put_entry(k, si, ci, i, by);
    if (batch >= 0) {
      yield* __swap_cluster_free_entries(k, si, ci, batch, i - batch);
      batch = -1;
    }
  }
  if (batch >= 0) yield* __swap_cluster_free_entries(k, si, ci, batch, start + nr - batch);
  yield* swap_cluster_unlock(k, ci);
  if (si.vswap) yield* k.vswap!.after_put_cluster_unlock();
  if (!needReclaim || !reclaimCache) return;
  for (let off = offset; off < offset + nr; ) {
    const r = yield* __try_to_reclaim_swap(k, si, off, TTRS_UNMAPPED | TTRS_FULL);
    off++;
    if (r) off = Math.ceil(off / Math.abs(r)) * Math.abs(r);
  }
}

/** folio_put_swap: the PTE of one page of a locked swap-cache folio drops its reference (do_swap_page, unuse_pte). */
export function* folio_put_swap(k: SwapTableKernel, folio: Folio, entry: SwpEntry): Task {
  k.warnOn(!test_bit_locked(k.m, folio.lock) || !folio.swapcache, `folio_put_swap: ${folio} not locked in the swap cache`);
  const { si, off } = k.entryInfo(entry);
  yield* swap_put_entries_cluster(k, si, off, 1, false, 'folio_put_swap');
}

/** swap_put_entries_direct: zapped PTEs drop their references, a cluster at a time (the caller holds the PTL). */
export function* swap_put_entries_direct(k: SwapTableKernel, entry: SwpEntry, nr: number): Task {
  const { si, off } = k.entryInfo(entry);
  const ref = yield* k.swap.get_swap_device(entry);
  if (!ref) {
    k.warnOn(true, `swap_put_entries_direct: no device for ${k.swap.describeSlot(entry)}`);
    return;
  }
  for (let o = off; o < off + nr; ) {
    const end = Math.min(off + nr, (Math.floor(o / si.clusterSize) + 1) * si.clusterSize);
    yield* swap_put_entries_cluster(k, si, o, end - o, true, 'swap_put_entries_direct');
    o = end;
  }
  yield* k.swap.put_swap_device(entry, ref);
}
