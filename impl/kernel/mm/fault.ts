// Page faults (mm/memory.c): a new anonymous page, a swap-in (do_swap_page), and write-protect faults that reuse
// or copy a page (do_wp_page). Each returns once it changed the PTE or saw it change; the caller retries the access.
import type { Folio } from './folio.ts';
import { folio_alloc, folio_lock, folio_put, folio_trylock, folio_unlock } from './folio.ts';
import type { Kernel } from '../kernel.ts';
import { folio_add_lru } from './lru.ts';
import type { MmStruct } from './mm.ts';
import type { Task } from '../sim.ts';
import { schedule_timeout, spin_lock, spin_unlock } from '../sim.ts';
import { EEXIST, folio_matches_swap_entry, type SwpEntry } from '../swap.ts';

/** do_anonymous_page (and its mTHP variant): a zero-filled folio of 2^order pages mapped writable at start. */
export function* do_anonymous_page(k: Kernel, mm: MmStruct, memcg: number, start: number, order: number): Task<boolean> {
  const folio = folio_alloc(k, order, memcg);
  folio.uptodate = true;
  yield* spin_lock(k.m, mm.ptl);
  for (let i = 0; i < folio.nr; i++) {
    if (mm.ptes.has(start + i)) {
      yield* spin_unlock(k.m, mm.ptl);
      folio_put(k, folio);
      return false;
    }
  }
  for (let i = 0; i < folio.nr; i++) mm.ptes.set(start + i, { kind: 'present', folio, idx: i, writable: true });
  // one reference per mapping PTE; the allocation's reference becomes the first
  folio.refs = folio.nr;
  folio.mapcount = folio.nr;
  yield* spin_unlock(k.m, mm.ptl);
  yield* folio_add_lru(k, folio);
  return true;
}

/** do_swap_page: brings the page behind a swap PTE in (or finds it in the swap cache) and maps it. */
export function* do_swap_page(k: Kernel, mm: MmStruct, memcg: number, page: number, entry: SwpEntry, write: boolean): Task {
  // the PTE may be stale already: get_swap_device keeps the entry's device (and, in v6, its cluster) alive
  const sref = yield* k.swap.get_swap_device(entry);
  if (!sref) return;
  let folio: Folio | null = yield* k.swap.swap_cache_get_folio(entry);
  if (!folio) {
    const got = yield* k.swap.read_swap_cache_async(entry, sref, memcg);
    if (typeof got === 'number') {
      // -EEXIST: another CPU is bringing it in; wait a tick and fault again
      // (-ENOENT: the slot died meanwhile; the kernel returns VM_FAULT_OOM if the PTE is unchanged, which since
      // v5.16 only retries the fault - as returning here does)
      if (got === -EEXIST) yield* schedule_timeout(k.m, `do_swap_page: slot ${entry} busy`);
      return;
    }
    folio = got;
  }
  // folio_lock_or_retry, then the re-check: while unlocked the folio may have left the swap cache (reclaim,
  // folio_free_swap from another mm, swapoff)
  yield* folio_lock(k, folio);
  if (!folio_matches_swap_entry(folio, entry)) {
    yield* folio_unlock(k, folio);
    folio_put(k, folio);
    yield* k.swap.put_swap_device(entry, sref);
    return;
  }
  yield* spin_lock(k.m, mm.ptl);
  const pte = mm.ptes.get(page);
  // pte_same: the PTE may have changed while the folio was read and locked (another thread's fault, an unmap, swapoff)
  // fault 'swapin-no-pte-recheck': only "is it still a swap PTE" is checked, not whether it is this one
  const stale = k.faultOn('swapin-no-pte-recheck') ? !pte : !pte || pte.kind !== 'swap' || pte.entry !== entry;
  if (stale) {
    yield* spin_unlock(k.m, mm.ptl);
  } else if (!folio.uptodate) {
    // VM_FAULT_SIGBUS: only a failed read leaves a swap-cache folio !uptodate, and reads do not fail here
    return k.m.fail('bug', `do_swap_page: VM_FAULT_SIGBUS, swap-cache ${folio} for slot ${entry} is not uptodate`);
  } else {
    const exclusive = folio.mapcount === 0;
    const idx = entry - folio.swap;
    // the PTE's reference moves to the folio
    yield* k.swap.folio_put_swap(folio, entry);
    // should_try_to_free_swap: a write fault with no other user frees the slot now
    if (write && folio.refs === 1 + folio.nr) yield* k.swap.folio_free_swap(folio);
    mm.ptes.set(page, { kind: 'present', folio, idx, writable: write && exclusive && !folio.swapcache });
    folio.mapcount++;
    folio.refs++;
    yield* spin_unlock(k.m, mm.ptl);
  }
  yield* folio_unlock(k, folio);
  folio_put(k, folio);
  yield* k.swap.put_swap_device(entry, sref);
}

/** do_wp_page: a write to a read-only present page: reuse the folio if exclusive (after dropping its swap), else copy. */
export function* do_wp_page(k: Kernel, mm: MmStruct, memcg: number, page: number): Task {
  yield* spin_lock(k.m, mm.ptl);
  const pte = mm.ptes.get(page);
  if (!pte || pte.kind !== 'present' || pte.writable) {
    yield* spin_unlock(k.m, mm.ptl);
    return;
  }
  const old = pte.folio;
  // wp_can_reuse_anon_folio: a swap-cache folio can be reused only once its swap is released
  if (old.swapcache && (yield* folio_trylock(k, old))) {
    yield* k.swap.folio_free_swap(old);
    yield* folio_unlock(k, old);
  }
  if (!old.swapcache && old.nr === 1 && old.mapcount === 1 && old.refs === 1) {
    // wp_page_reuse: a new PTE value (writable), which a concurrent wp_page_copy's pte_same sees as changed
    mm.ptes.set(page, { ...pte, writable: true });
    yield* spin_unlock(k.m, mm.ptl);
    return;
  }
  yield* spin_unlock(k.m, mm.ptl);
  // wp_page_copy
  const nf = folio_alloc(k, 0, memcg);
  nf.contents[0] = old.contents[pte.idx]!;
  nf.uptodate = true;
  yield* spin_lock(k.m, mm.ptl);
  // pte_same against the PTE the fault started from (another thread may have reused, copied or unmapped the page)
  if (mm.ptes.get(page) !== pte) {
    yield* spin_unlock(k.m, mm.ptl);
    folio_put(k, nf);
    return;
  }
  mm.ptes.set(page, { kind: 'present', folio: nf, idx: 0, writable: true });
  nf.mapcount = 1;
  old.mapcount--;
  yield* spin_unlock(k.m, mm.ptl);
  folio_put(k, old);
  yield* folio_add_lru(k, nf);
}
