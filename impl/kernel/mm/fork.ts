// fork (mm/memory.c copy_page_range / copy_pte_range): the child shares present pages copy-on-write and takes one
// reference on each swap slot its copied PTEs hold (swap_duplicate_nr over runs of consecutive entries).
import type { Kernel } from '../kernel.ts';
import type { MmStruct, Pte } from './mm.ts';
import type { Task } from '../sim.ts';
import { spin_lock, spin_lock_nested, spin_unlock } from '../sim.ts';

/** copy_page_range: copies every PTE of src into the empty dst. */
export function* copy_page_range(k: Kernel, src: MmStruct, dst: MmStruct): Task {
  yield* spin_lock(k.m, dst.ptl);
  // the source lock nests inside the destination's (same lock class)
  yield* spin_lock_nested(k.m, src.ptl, 1);
  const pages = src.pages();
  for (let i = 0; i < pages.length; ) {
    const page = pages[i]!;
    const pte = src.ptes.get(page)!;
    if (pte.kind === 'present') {
      pte.writable = false;
      dst.ptes.set(page, { kind: 'present', folio: pte.folio, idx: pte.idx, writable: false });
      pte.folio.mapcount++;
      pte.folio.refs++;
      i++;
      continue;
    }
    // a run of swap PTEs at consecutive pages holding consecutive entries
    let n = 1;
    for (;;) {
      const next: Pte | undefined = src.ptes.get(page + n);
      if (pages[i + n] !== page + n || next?.kind !== 'swap' || next.entry !== pte.entry + n) break;
      n++;
    }
    if ((yield* k.swap.swap_dup_entries_direct(pte.entry, n)) < 0) {
      return k.m.fail('bug', `copy_pte_range: swap PTE at page ${page} refers to a dead slot ${pte.entry}`);
    }
    for (let j = 0; j < n; j++) dst.ptes.set(page + j, { kind: 'swap', entry: pte.entry + j });
    i += n;
  }
  yield* spin_unlock(k.m, src.ptl);
  yield* spin_unlock(k.m, dst.ptl);
}
