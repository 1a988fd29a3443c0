// Unmapping (mm/memory.c zap_pte_range): present pages drop their folio reference; runs of swap PTEs drop their
// slot references in one swap_put_entries_direct each (v6: free_swap_and_cache_nr).
import { folio_put, folio_trylock, folio_unlock } from './folio.ts';
import type { Folio } from './folio.ts';
import type { Kernel } from '../kernel.ts';
import type { MmStruct, Pte } from './mm.ts';
import type { Task } from '../sim.ts';
import { spin_lock, spin_unlock } from '../sim.ts';
import type { SwpEntry } from '../swap.ts';

/** zap_nonpresent_ptes' swap part: drops nr references from a run of entries. */
function* zap_swap_run(k: Kernel, entry: SwpEntry, nr: number): Task {
  const cs = k.swap.clusterSizeOf(entry);
  const boundary = Array.from({ length: nr - 1 }, (_, j) => j + 1).find((b) => (entry + b) % cs === 0);
  if (k.faultOn('zap-leak') && boundary !== undefined) {
    // fault 'zap-leak': the run is cut at the cluster boundary and the boundary entry is skipped
    yield* k.swap.swap_put_entries_direct(entry, boundary);
    if (nr - boundary - 1 > 0) yield* k.swap.swap_put_entries_direct(entry + boundary + 1, nr - boundary - 1);
    return;
  }
  yield* k.swap.swap_put_entries_direct(entry, nr);
}

/** zap_pte_range: clears the PTEs of [start, start + nr). */
export function* zap_pte_range(k: Kernel, mm: MmStruct, start: number, nr: number): Task {
  const released: Folio[] = [];
  yield* spin_lock(k.m, mm.ptl);
  for (let p = start; p < start + nr; ) {
    const pte = mm.ptes.get(p);
    if (!pte) {
      p++;
      continue;
    }
    if (pte.kind === 'present') {
      mm.ptes.delete(p);
      k.mmHooks?.pteCleared(mm, p);
      pte.folio.mapcount--;
      released.push(pte.folio);
      p++;
      continue;
    }
    // swap_pte_batch
    let n = 1;
    for (;;) {
      const next: Pte | undefined = mm.ptes.get(p + n);
      if (p + n >= start + nr || next?.kind !== 'swap' || next.entry !== pte.entry + n) break;
      n++;
    }
    for (let j = 0; j < n; j++) {
      mm.ptes.delete(p + j);
      k.mmHooks?.pteCleared(mm, p + j);
    }
    yield* zap_swap_run(k, pte.entry, n);
    p += n;
  }
  yield* spin_unlock(k.m, mm.ptl);
  // tlb_finish_mmu -> free_pages_and_swap_cache: after the TLB flush
  for (const f of released) {
    yield* free_swap_cache(k, f);
    folio_put(k, f);
  }
}

/** free_swap_cache: an unmapped swap-cache folio whose lock is free gives its swap back. */
function* free_swap_cache(k: Kernel, f: Folio): Task {
  if (f.swapcache && !f.mapcount && (yield* folio_trylock(k, f))) {
    yield* k.swap.folio_free_swap(f);
    yield* folio_unlock(k, f);
  }
}
