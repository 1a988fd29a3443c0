// zswap (mm/zswap.c on the vswap series): store (may reject: pool full or off), load (drops its copy), free, and
// the shrinker's writeback of the oldest objects to a physical slot.
import type { Folio } from './folio.ts';
import { folio_alloc, folio_put, folio_trylock, folio_unlock } from './folio.ts';
import type { Kernel } from './kernel.ts';
import { folio_add_lru } from './lru.ts';
import { memcg1_swapin } from './memcontrol.ts';
import { __swap_writepage } from './page_io.ts';
import type { Task } from './sim.ts';
import { kfree, kmalloc, sched } from './sim.ts';
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
import type { ZswapEntry } from './zswap_types.ts';

/** zswap_entry_free: the compressed object goes away (called with the vswap cluster lock held). */
export function zswap_entry_free(k: Kernel, ze: ZswapEntry): void {
  const i = k.zswapPool.indexOf(ze);
  k.warnOn(i < 0, `zswap_entry_free: zswap entry ${ze.id} is not in the pool`);
  k.zswapPool.splice(i, 1);
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
    k.zswapPool.push(ze);
    yield* zswap_entry_store(k, folio.swap + i, ze);
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
export function* zswap_writeback_entry(k: Kernel, ze: ZswapEntry): Task<number> {
  const swp = ze.swpentry;
  if (!(yield* tryget_swap_entry(k, swp))) return -EEXIST;
  // swap_cache_alloc_folio
  const folio = folio_alloc(k, 0, 0);
  yield* folio_trylock(k, folio);
  const prep = yield* swapcache_prepare(k, swp, 1);
  if (prep) {
    yield* folio_unlock(k, folio);
    folio_put(k, folio);
    yield* put_swap_entry(k, swp);
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
    k.m.access(ze.mem, `zswap_decompress entry ${ze.id}`);
    folio.contents[0] = ze.value;
    folio.uptodate = true;
    const slot = yield* vswap_alloc_swap_slot(k, folio);
    if (!slot) {
      ret = -ENOMEM;
    } else if (k.faultOn('zswap-writeback-early-release')) {
      // fault 'zswap-writeback-early-release': the bio is taken as the owner of the data from submission on, so
      // neither the compressed copy nor the swap-cache folio is kept until end_swap_bio_write
      zswap_entry_free(k, ze);
      yield* swap_cache_del_folio(k, folio);
      yield* __swap_writepage(k, folio, slot);
    } else {
      yield* folio_add_lru(k, folio);
      yield* __swap_writepage(k, folio, slot);
      zswap_entry_free(k, ze);
    }
  }
  if (ret) {
    yield* swap_cache_del_folio(k, folio);
    yield* folio_unlock(k, folio);
  }
  folio_put(k, folio);
  yield* put_swap_entry(k, swp);
  return ret;
}

export const ENOMEM = 12;

/** zswap_shrinker_scan: writes back up to nr of the oldest objects (each rotated first, as the list_lru walk does). */
export function* zswap_shrink(k: Kernel, nr: number): Task<number> {
  let written = 0;
  for (let n = 0; n < nr; n++) {
    const ze = k.zswapPool.shift();
    if (!ze) break;
    k.zswapPool.push(ze);
    yield* sched(k.m, `zswap shrinker picks entry ${ze.id}`);
    if ((yield* zswap_writeback_entry(k, ze)) === 0) written++;
  }
  return written;
}
