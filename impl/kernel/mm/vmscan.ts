// Reclaim (mm/vmscan.c): shrink_folio_list on anonymous folios: add to swap, unmap, write out, and remove from the
// swap cache (__remove_mapping under the swap-cache lock with interrupts off).
import type { Folio } from './folio.ts';
import { folio_ref_freeze, folio_ref_unfreeze, folio_trylock, folio_unlock, free_folio, folio_put } from './folio.ts';
import type { Kernel } from '../kernel.ts';
import { folio_putback_lru } from './lru.ts';
import { try_to_unmap } from './rmap.ts';
import type { Task } from '../sim.ts';

/** __remove_mapping: takes a clean, unreferenced swap-cache folio out of the cache; false if someone holds it. */
export function* __remove_mapping(k: Kernel, folio: Folio): Task<boolean> {
  const entry = folio.swap;
  const token = yield* k.swap.swap_cache_lock_irq(entry);
  // the isolation reference plus the swap cache's
  const expected = 1 + folio.nr;
  if (!(yield* folio_ref_freeze(k, folio, expected))) {
    yield* k.swap.swap_cache_unlock_irq(entry, token);
    return false;
  }
  if (folio.dirty) {
    folio_ref_unfreeze(folio, expected);
    yield* k.swap.swap_cache_unlock_irq(entry, token);
    return false;
  }
  // workingset_eviction: the shadow identifies the evicted folio
  yield* k.swap.remove_mapping_swapcache(folio, entry, folio.id, token);
  return true;
}

/** shrink_folio_list: tries to reclaim each isolated folio; the ones kept go back to the LRU. Returns freed count. */
export function* shrink_folio_list(k: Kernel, folios: readonly Folio[]): Task<number> {
  let reclaimed = 0;
  for (const folio of folios) {
    const r = yield* shrink_one(k, folio);
    if (r === 'freed') reclaimed++;
    else yield* folio_putback_lru(k, folio, r === 'activate');
  }
  return reclaimed;
}

type Outcome = 'freed' | 'keep' | 'activate';

function* shrink_one(k: Kernel, folio: Folio): Task<Outcome> {
  if (!(yield* folio_trylock(k, folio))) return 'keep';
  if (folio.writeback) return yield* unlockAnd(k, folio, 'keep');
  if (!folio.swapcache) {
    // add_to_swap
    if (!(yield* k.swap.folio_alloc_swap(folio))) return yield* unlockAnd(k, folio, 'activate');
    folio.dirty = true;
  }
  if (folio.mapcount > 0 && !(yield* try_to_unmap(k, folio))) return yield* unlockAnd(k, folio, 'activate');
  if (folio.dirty) {
    // pageout: folio_clear_dirty_for_io, then the swap address space's writeout
    folio.dirty = false;
    if ((yield* k.swap.swap_writeout(folio)) === 'activate') return yield* unlockAnd(k, folio, 'activate');
    if (folio.writeback || folio.dirty) return 'keep';
    if (!(yield* folio_trylock(k, folio))) return 'keep';
    if (folio.writeback || folio.dirty) return yield* unlockAnd(k, folio, 'keep');
  }
  if (!folio.swapcache) {
    // an anonymous folio nobody maps any more: only our reference is left
    if (folio.refs !== 1 || folio.mapcount) return yield* unlockAnd(k, folio, 'keep');
    yield* folio_unlock(k, folio);
    folio_put(k, folio);
    return 'freed';
  }
  if (!(yield* __remove_mapping(k, folio))) return yield* unlockAnd(k, folio, 'keep');
  yield* folio_unlock(k, folio);
  free_folio(k, folio);
  return 'freed';
}

function* unlockAnd(k: Kernel, folio: Folio, r: Outcome): Task<Outcome> {
  yield* folio_unlock(k, folio);
  return r;
}
