// zswap's back end on the vswap series (mm/zswap.c on v6): the object is recorded in the slot's descriptor, and
// writeback moves a ZSWAP slot to SWAPFILE through a swap-cache folio.
import { folio_alloc, folio_put, folio_trylock, folio_unlock } from '../mm/folio.ts';
import { folio_add_lru } from '../mm/lru.ts';
import { memcg1_swapin } from '../mm/memcontrol.ts';
import { __swap_writepage } from '../mm/page_io.ts';
import { zswap_entry_free } from '../mm/zswap.ts';
import type { ZswapEntry } from '../mm/zswap_types.ts';
import type { Task } from '../sim.ts';
import { EEXIST, ENOMEM, type SwpEntry } from '../swap.ts';
import type { V6Kernel } from './design.ts';
import { vswap_alloc_swap_slot, zswap_entry_load } from './vswap_backing.ts';
import { put_swap_entry, swap_cache_add_folio, swap_cache_del_folio, swapcache_prepare, tryget_swap_entry } from './vswap_cache.ts';
import { lookup_swap_cgroup_id } from './vswap_memcg.ts';

/**
 * zswap_writeback_entry: moves one object to a physical slot through a swap-cache folio. The object is freed only
 * once the slot holds the folio and its write is under way.
 */
export function* zswap_writeback_entry(k: V6Kernel, ze: ZswapEntry, swp: SwpEntry): Task<number> {
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
