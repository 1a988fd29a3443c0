// zswap's back end for slots PTEs refer to directly (mm/zswap.c on mainline): each device has a tree (an xarray
// per swap type, keyed by offset) of its compressed objects; a load is exclusive (the object goes); writeback
// brings the object back into a new swap-cache folio and writes it to its own slot.
import type { Folio } from '../mm/folio.ts';
import { folio_put, folio_unlock } from '../mm/folio.ts';
import { folio_add_lru } from '../mm/lru.ts';
import { __swap_writepage } from '../mm/page_io.ts';
import { zswap_decompress_for_writeback, zswap_entry_free } from '../mm/zswap.ts';
import type { ZswapEntry } from '../mm/zswap_types.ts';
import type { Task } from '../sim.ts';
import { rcu_read_lock, rcu_read_unlock, sched, spin_lock, spin_unlock } from '../sim.ts';
import { EIO, ENOENT, ENOMEM, type SwpEntry } from '../swap.ts';
import { emitSlot } from './instrument.ts';
import type { SwapTableKernel } from './kernel.ts';
import { __swap_cache_alloc_folio, swap_cache_del_folio } from './swap_state.ts';

/** zswap_store_page's publish: xa_store of the object for its slot (an old one there is freed). */
export function* zswap_tree_store(k: SwapTableKernel, entry: SwpEntry, ze: ZswapEntry): Task {
  const { si, off } = k.entryInfo(entry);
  yield* spin_lock(k.m, si.zswapTreeLock);
  const old = si.zswapTree.get(off) ?? null;
  si.zswapTree.set(off, ze);
  si.written[off] = false;
  emitSlot(k, si, off, 'STORE_ZSWAP', 'zswap_store');
  yield* spin_unlock(k.m, si.zswapTreeLock);
  if (old) yield* zswap_entry_free(k, old);
}

/** xa_load on the zswap tree: lockless (RCU). */
export function* zswap_tree_load(k: SwapTableKernel, entry: SwpEntry): Task<ZswapEntry | null> {
  const { si, off } = k.entryInfo(entry);
  yield* rcu_read_lock(k.m);
  yield* sched(k.m, `xa_load(zswap tree ${si.index}, ${off})`);
  const ze = si.zswapTree.get(off) ?? null;
  yield* rcu_read_unlock(k.m);
  return ze;
}

/** zswap_invalidate of one slot whose data is back in its swap-cache folio: the object is erased and freed. */
function* zswap_tree_invalidate(k: SwapTableKernel, entry: SwpEntry, by: string): Task {
  const { si, off } = k.entryInfo(entry);
  yield* spin_lock(k.m, si.zswapTreeLock);
  const ze = si.zswapTree.get(off) ?? null;
  si.zswapTree.delete(off);
  if (ze) emitSlot(k, si, off, 'STORE_FOLIO', by);
  yield* spin_unlock(k.m, si.zswapTreeLock);
  if (ze) yield* zswap_entry_free(k, ze);
}

/** zswap_store's failure path: every page of the folio is invalidated, so no stale copy is ever written back. */
export function* zswap_tree_rollback(k: SwapTableKernel, folio: Folio): Task {
  for (let i = 0; i < folio.nr; i++) yield* zswap_tree_invalidate(k, folio.swap + i, 'zswap_store');
}

/** zswap_load's exclusive end: the object goes, the folio (dirtied by the caller) is the only copy. */
export function* zswap_tree_load_invalidate(k: SwapTableKernel, folio: Folio): Task {
  yield* zswap_tree_invalidate(k, folio.swap, 'zswap_load');
}

/**
 * zswap_writeback_entry: a new swap-cache folio for the slot (the slot must still have a count and no folio),
 * the object re-checked against the tree under the folio lock, decompressed, erased, freed, and the folio written to
 * the slot. Errors take the folio back out of the swap cache; the object then stays.
 */
export function* zswap_writeback_entry(k: SwapTableKernel, ze: ZswapEntry, swp: SwpEntry): Task<number> {
  const ref = yield* k.swap.get_swap_device(swp);
  if (!ref) return -ENOENT;
  const got = yield* __swap_cache_alloc_folio(k, swp, 'recorded');
  yield* k.swap.put_swap_device(swp, ref);
  if (typeof got === 'number') return got;
  const folio = got;
  const { si, off } = k.entryInfo(swp);
  let ret = 0;
  if ((yield* zswap_tree_load(k, swp)) !== ze) {
    ret = -ENOMEM;
  } else if (!zswap_decompress_for_writeback(k, ze, folio)) {
    ret = -EIO;
  } else {
    yield* spin_lock(k.m, si.zswapTreeLock);
    si.zswapTree.delete(off);
    si.written[off] = true;
    emitSlot(k, si, off, 'ZSWAP_WRITEBACK', 'zswap_writeback_entry');
    yield* spin_unlock(k.m, si.zswapTreeLock);
    yield* zswap_entry_free(k, ze);
    folio.uptodate = true;
    // the kernel marks the folio dropbehind and deletes it from the swap cache when the write completes; here it
    // goes on the LRU and the next reclaim drops it (the same end state, one reclaim later)
    yield* folio_add_lru(k, folio);
    yield* __swap_writepage(k, folio, { dev: si.index, offset: off });
  }
  if (ret) {
    yield* swap_cache_del_folio(k, folio);
    yield* folio_unlock(k, folio);
  }
  folio_put(k, folio);
  return ret;
}
