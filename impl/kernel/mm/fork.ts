// fork (mm/memory.c copy_page_range / copy_pte_range): the child shares present pages copy-on-write and takes one
// reference on each swap slot its copied PTEs hold (runs of consecutive entries at a time). When a swap count must
// overflow and no extend table can be had atomically, both page-table locks are dropped, the table is allocated
// with GFP_KERNEL (swap_retry_table_alloc), and the copy resumes at the same page.
import type { Kernel } from '../kernel.ts';
import type { MmStruct, Pte } from './mm.ts';
import type { Task } from '../sim.ts';
import { spin_lock, spin_lock_nested, spin_unlock } from '../sim.ts';
import { ENOMEM } from '../swap.ts';

/** copy_page_range: copies every PTE of src into the empty dst; 0, or -ENOMEM when fork must fail. */
export function* copy_page_range(k: Kernel, src: MmStruct, dst: MmStruct): Task<number> {
  yield* spin_lock(k.m, dst.ptl);
  // the source lock nests inside the destination's (same lock class)
  yield* spin_lock_nested(k.m, src.ptl, 1);
  let pages = src.pages();
  for (let i = 0; i < pages.length; ) {
    const page = pages[i]!;
    const pte = src.ptes.get(page);
    if (!pte) {
      i++;
      continue;
    }
    if (pte.kind === 'present') {
      // ptep_set_wrprotect: the parent's PTE becomes a new, read-only value
      if (pte.writable) src.ptes.set(page, { ...pte, writable: false });
      dst.ptes.set(page, { kind: 'present', folio: pte.folio, idx: pte.idx, writable: false });
      k.mmHooks?.pteCopied(src, dst, page);
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
    const { done, err } = yield* k.swap.swap_dup_entries_direct(pte.entry, n);
    for (let j = 0; j < done; j++) {
      dst.ptes.set(page + j, { kind: 'swap', entry: pte.entry + j });
      k.mmHooks?.pteCopied(src, dst, page + j);
    }
    i += done;
    if (!err) continue;
    if (err !== -ENOMEM) return k.m.fail('bug', `copy_pte_range: swap PTE at page ${page + done} refers to a dead slot ${pte.entry + done}`);
    yield* spin_unlock(k.m, src.ptl);
    yield* spin_unlock(k.m, dst.ptl);
    if ((yield* k.swap.swap_retry_table_alloc(pte.entry + done)) < 0) return -ENOMEM;
    yield* spin_lock(k.m, dst.ptl);
    yield* spin_lock_nested(k.m, src.ptl, 1);
    // goto again: the source PTEs may have changed while unlocked; resume at the page that failed
    pages = src.pages();
    i = pages.indexOf(page + done);
    if (i < 0) i = pages.findIndex((p) => p > page + done);
    if (i < 0) i = pages.length;
  }
  yield* spin_unlock(k.m, src.ptl);
  yield* spin_unlock(k.m, dst.ptl);
  return 0;
}
