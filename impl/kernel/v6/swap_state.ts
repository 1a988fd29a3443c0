// mm/swap_state.c: bringing a swap entry into the swap cache, shared by the swap-in fault and swapoff.
import type { Folio } from '../mm/folio.ts';
import { folio_alloc, folio_put, folio_trylock, folio_unlock } from '../mm/folio.ts';
import type { V6Kernel } from './design.ts';
import { folio_add_lru } from '../mm/lru.ts';
import { memcg1_swapin } from '../mm/memcontrol.ts';
import { swap_read_folio } from '../mm/page_io.ts';
import type { Task } from '../sim.ts';
import { put_swap_entry, swap_cache_add_folio, swapcache_prepare, type SwapEntryRef } from './vswap_cache.ts';
import { EEXIST } from './vswap_free.ts';
import { lookup_swap_cgroup_id } from './vswap_memcg.ts';
import type { SwpEntry } from './vswap_types.ts';

/**
 * __read_swap_cache_async: a new folio pinned for `entry` (swapcache_prepare), added to the swap cache and the LRU,
 * and read in (unlocked on return); or swapcache_prepare's error, with the folio and the caller's entry reference
 * dropped. `memcg` is the faulting mm's memcg, or 'recorded' to charge the one recorded for the entry (no mm).
 */
export function* __read_swap_cache_async(
  k: V6Kernel,
  entry: SwpEntry,
  sref: SwapEntryRef,
  memcg: number | 'recorded',
): Task<Folio | number> {
  const nf = folio_alloc(k, 0, memcg === 'recorded' ? 0 : memcg);
  yield* folio_trylock(k, nf);
  const ret = yield* swapcache_prepare(k, entry, 1);
  // fault 'swapin-eexist-as-success': -EEXIST (someone else holds the pin) taken as "pinned by us" in do_swap_page
  if (ret && !(ret === -EEXIST && memcg !== 'recorded' && k.faultOn('swapin-eexist-as-success'))) {
    yield* folio_unlock(k, nf);
    folio_put(k, nf);
    yield* put_swap_entry(k, entry, sref);
    return ret;
  }
  if (memcg === 'recorded') nf.memcg = yield* lookup_swap_cgroup_id(k, entry);
  yield* swap_cache_add_folio(k, nf, entry);
  yield* memcg1_swapin(k, entry, 1);
  // the new folio goes on the LRU before the read is started
  yield* folio_add_lru(k, nf);
  // swap_read_folio unlocks the folio once the data is in
  yield* swap_read_folio(k, nf);
  return nf;
}
