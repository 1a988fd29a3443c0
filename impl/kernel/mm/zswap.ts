// zswap's front end (mm/zswap.c), shared by every design: store (may reject: pool full or off), load (exclusive:
// drops its copy), free, the LRU, and the shrinker's walk. Where an object is recorded for its entry (the v6
// descriptor, the STE virtual table, mainline's zswap tree) and how one is written back are the design's (k.swap).
import type { Folio } from './folio.ts';
import type { Kernel } from '../kernel.ts';
import type { Task } from '../sim.ts';
import { kfree, kmalloc, spin_lock, spin_unlock } from '../sim.ts';
import type { ZswapEntry } from './zswap_types.ts';

/** zswap_lru_add: the new object goes to the cold end of zswap_list_lru's tail (newest last). */
function* zswap_lru_add(k: Kernel, ze: ZswapEntry): Task {
  yield* spin_lock(k.m, k.zswapLruLock);
  k.zswapPool.push(ze);
  yield* spin_unlock(k.m, k.zswapLruLock);
}

/**
 * zswap_entry_free: the compressed object goes away: off the LRU (list_lru_del, under the list_lru lock), then
 * freed. Called under the swap layer's cluster lock when a slot's backing is released, and with no lock (folio
 * locked) from zswap writeback.
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

/**
 * zswap_decompress in zswap_writeback_entry: the object's data into the folio; false when it cannot be read (the
 * ranks config.zswapDecompressFail names: a corrupt or unreadable object).
 */
export function zswap_decompress_for_writeback(k: Kernel, ze: ZswapEntry, folio: Folio): boolean {
  k.m.access(ze.mem, `zswap_decompress entry ${ze.id}`);
  if (k.config.zswapDecompressFail.includes(++k.zswapWritebackDecompressions)) {
    k.m.trace(`zswap_decompress of entry ${ze.id} fails`);
    return false;
  }
  folio.contents[0] = ze.value;
  return true;
}

/** zswap_store: compresses every page of a locked swap-cache folio; false (nothing stored) when rejected. */
export function* zswap_store(k: Kernel, folio: Folio): Task<boolean> {
  const cap = k.config.zswapCapacity;
  if (!cap) return false;
  for (let i = 0; i < folio.nr; i++) {
    // zswap_check_limits: a full pool rejects the folio; pages already stored go back to the folio
    if (k.zswapPool.length >= cap) {
      yield* k.swap.zswap_store_rollback(folio, i);
      return false;
    }
    const mem = yield* kmalloc(k.m, 'zswap_entry', 'GFP_KERNEL');
    const ze: ZswapEntry = { id: k.nextZswapId++, swpentry: folio.swap + i, value: folio.contents[i]!, mem };
    // zswap_store_page: published for the entry first, then put on the LRU
    yield* k.swap.zswap_entry_store(folio.swap + i, ze);
    yield* zswap_lru_add(k, ze);
  }
  return true;
}

/** zswap_load: decompresses into a locked order-0 swap-cache folio and drops the zswap copy (exclusive load). */
export function* zswap_load(k: Kernel, folio: Folio): Task<boolean> {
  const ze = yield* k.swap.zswap_entry_load(folio.swap);
  if (!ze) return false;
  k.m.access(ze.mem, `zswap_decompress entry ${ze.id}`);
  folio.contents[0] = ze.value;
  yield* k.swap.zswap_load_invalidate(folio);
  folio.dirty = true;
  return true;
}

/**
 * zswap_shrinker_scan: up to nr of the oldest objects. shrink_memcg_cb runs under the list_lru lock: it rotates the
 * object to the tail and copies its swpentry, then drops the lock before zswap_writeback_entry (from then on the
 * object may be freed under it; the writeback pins the slot and re-checks the object against the swap layer).
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
    if ((yield* k.swap.zswap_writeback_entry(ze, swpentry)) === 0) written++;
  }
  return written;
}
