// Reverse mapping (mm/rmap.c): try_to_unmap replaces every PTE mapping a swap-cache folio by its virtual entry,
// taking one slot reference per PTE (the folio is locked and in the swap cache).
import type { Folio } from './folio.ts';
import type { Kernel } from '../kernel.ts';
import type { Task } from '../sim.ts';
import { spin_lock, spin_unlock } from '../sim.ts';
import { MMLIST } from './mm.ts';

/** try_to_unmap: walks every mm for PTEs of the folio; false if a PTE could not be converted. */
export function* try_to_unmap(k: Kernel, folio: Folio): Task<boolean> {
  k.m.touchShared(MMLIST);
  for (const mm of [...k.mms]) {
    if (!folio.mapcount) break;
    yield* spin_lock(k.m, mm.ptl);
    for (const [page, pte] of mm.ptes) {
      if (pte.kind !== 'present' || pte.folio !== folio) continue;
      // try_to_unmap_one: the swap entry of this page takes a reference before it replaces the PTE
      const entry = folio.swap + pte.idx;
      if ((yield* k.swap.folio_dup_swap(folio, entry)) < 0) {
        yield* spin_unlock(k.m, mm.ptl);
        return false;
      }
      mm.ptes.set(page, { kind: 'swap', entry });
      folio.mapcount--;
      folio.refs--;
    }
    yield* spin_unlock(k.m, mm.ptl);
  }
  return folio.mapcount === 0;
}
