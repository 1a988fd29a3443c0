// zswap (mm/zswap.c on the vswap series): store (may reject: pool full or off), load (drops its copy), free, and
// the shrinker's writeback of the oldest objects to a physical slot.
import type { Folio } from './folio.ts';
import { folio_alloc, folio_put, folio_trylock, folio_unlock } from './folio.ts';
import type { Kernel } from './kernel.ts';
import { folio_add_lru } from './lru.ts';
import { memcg1_swapin } from './memcontrol.ts';
import { __swap_writepage } from './page_io.ts';
import type { Task } from './sim.ts';
import { kfree, kmalloc, spin_lock, spin_unlock } from './sim.ts';
import {
  put_swap_entry,
  swap_cache_add_folio,
  swap_cache_del_folio,
  swapcache_prepare,
  tryget_swap_entry,
} from './vswap_cache.ts';
import { vswap_alloc_swap_slot, vswap_store_folio, zswap_entry_load, zswap_entry_store } from './vswap_backing.ts';
import { EEXIST } from './vswap_free.ts';
import { lookup_swap_cgroup_id } from './vswap_memcg.ts';
import type { SwpEntry } from './vswap_types.ts';
import type { ZswapEntry } from './zswap_types.ts';

/** zswap_lru_add: the new object goes to the cold end of zswap_list_lru's tail (newest last). */
function* zswap_lru_add(k: Kernel, ze: ZswapEntry): Task {
  yield* spin_lock(k.m, k.zswapLruLock);
  k.zswapPool.push(ze);
  yield* spin_unlock(k.m, k.zswapLruLock);
}

/**
 * zswap_entry_free: the compressed object goes away: off the LRU (list_lru_del, under the list_lru lock), then
 * freed. Called under the vswap cluster lock from release_backing, and with no lock (folio locked) from
 * zswap_writeback_entry once the slot points at a physical slot.
 */
export function* zswap_entry_free(k: Kernel, ze: ZswapEntry): Task {
  yield* spin_lock(k.m, k.zswapLruLock);
  // list_lru_del: an object not (or no longer) on the list is left alone
  const i = k.zswapPool.indexOf(ze);
  if (i >= 0) k.zswapPool.splice(i, 1);
  yield* spin_unlock(k.m, k.zswapLruLock);
  kfree(k.m, ze.mem);
  k.m.trace(`zswap entry ${ze.id} (slot ${ze.swpentry}) freed`);
}

/** zswap_store: compresses every page of a locked swap-cache folio; false (nothing stored) when rejected. */
export function* zswap_store(k: Kernel, folio: Folio): Task<boolean> {
  const cap = k.config.zswapCapacity;
  if (!cap) return false;
  for (let i = 0; i < folio.nr; i++) {
    // zswap_check_limits: a full pool rejects the folio; pages already stored go back to the folio
    if (k.zswapPool.length >= cap) {
      if (i > 0) yield* vswap_store_folio(k, folio.swap, folio, 'zswap_store');
      return false;
    }
    const mem = yield* kmalloc(k.m, 'zswap_entry', 'GFP_KERNEL');
    const ze: ZswapEntry = { id: k.nextZswapId++, swpentry: folio.swap + i, value: folio.contents[i]!, mem };
    // zswap_store_page: published in the descriptor first, then put on the LRU
    yield* zswap_entry_store(k, folio.swap + i, ze);
    yield* zswap_lru_add(k, ze);
  }
  return true;
}

/** zswap_load: decompresses into a locked order-0 swap-cache folio and drops the zswap copy (exclusive load). */
export function* zswap_load(k: Kernel, folio: Folio): Task<boolean> {
  const ze = yield* zswap_entry_load(k, folio.swap);
  if (!ze) return false;
  k.m.access(ze.mem, `zswap_decompress entry ${ze.id}`);
  folio.contents[0] = ze.value;
  yield* vswap_store_folio(k, folio.swap, folio, 'zswap_load');
  folio.dirty = true;
  return true;
}

/**
 * zswap_writeback_entry: moves one object to a physical slot through a swap-cache folio. The object is freed only
 * once the slot holds the folio and its write is under way.
 */
export function* zswap_writeback_entry(k: Kernel, ze: ZswapEntry, swp: SwpEntry): Task<number> {
  const sref = yield* tryget_swap_entry(k, swp);
  if (!sref) return -EEXIST;
  // swap_cache_alloc_folio
  const folio = folio_alloc(k, 0, 0);
  yield* folio_trylock(k, folio);
  const prep = yield* swapcache_prepare(k, swp, 1);
  if (prep) {
    yield* folio_unlock(k, folio);
    folio_put(k, folio);
    yield* put_swap_entry(k, swp, sref);
    return -EEXIST;
  }
  folio.memcg = yield* lookup_swap_cgroup_id(k, swp);
  yield* swap_cache_add_folio(k, folio, swp);
  yield* memcg1_swapin(k, swp, 1);
  let ret = 0;
  // the slot may have been invalidated and reused since the shrinker picked the object
  if ((yield* zswap_entry_load(k, swp)) !== ze) {
    ret = -ENOMEM;
  } else {
    // the kernel's order: the physical slot first (the descriptor now says SWAPFILE and no longer points at the
    // object), then decompress, free the object, mark uptodate, and start the write, all with the folio locked
    const slot = yield* vswap_alloc_swap_slot(k, folio);
    if (!slot) {
      ret = -ENOMEM;
    } else {
      k.m.access(ze.mem, `zswap_decompress entry ${ze.id}`);
      folio.contents[0] = ze.value;
      yield* zswap_entry_free(k, ze);
      folio.uptodate = true;
      if (k.faultOn('zswap-writeback-early-release')) {
        // fault 'zswap-writeback-early-release': the bio is taken as the owner of the data from submission on,
        // so the swap-cache folio is not kept until end_swap_bio_write
        yield* swap_cache_del_folio(k, folio);
      } else {
        yield* folio_add_lru(k, folio);
      }
      yield* __swap_writepage(k, folio, slot);
    }
  }
  if (ret) {
    yield* swap_cache_del_folio(k, folio);
    yield* folio_unlock(k, folio);
  }
  folio_put(k, folio);
  yield* put_swap_entry(k, swp, sref);
  return ret;
}

export const ENOMEM = 12;

/**
 * zswap_shrinker_scan: up to nr of the oldest objects. shrink_memcg_cb runs under the list_lru lock: it rotates the
 * object to the tail and copies its swpentry, then drops the lock before zswap_writeback_entry (from then on the
 * object may be freed under it; the writeback pins the slot and re-checks the object against the descriptor).
 */
export function* zswap_shrink(k: Kernel, nr: number): Task<number> {
  let written = 0;
  for (let n = 0; n < nr; n++) {
    yield* spin_lock(k.m, k.zswapLruLock);
    const ze = k.zswapPool.shift();
    if (!ze) {
      yield* spin_unlock(k.m, k.zswapLruLock);
      break;
    }
    k.zswapPool.push(ze);
    const swpentry = ze.swpentry;
    yield* spin_unlock(k.m, k.zswapLruLock);
    if ((yield* zswap_writeback_entry(k, ze, swpentry)) === 0) written++;
  }
  return written;
}
