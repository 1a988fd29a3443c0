// Address spaces and page tables (struct mm_struct, PTEs): each PTE maps one page of a folio or holds a virtual
// swap entry. The page-table lock (one per mm here, like mm->page_table_lock) serialises PTE changes.
import type { Folio } from './folio.ts';
import type { Kernel } from '../kernel.ts';
import type { SpinLock } from '../sim.ts';
import type { SwpEntry } from '../swap.ts';

/**
 * A PTE value. Never changed in place: a new value replaces it (set_pte_at), so that pte_same, a value comparison in
 * the kernel, is object identity here.
 */
export type Pte =
  | { readonly kind: 'present'; readonly folio: Folio; readonly idx: number; readonly writable: boolean }
  | { readonly kind: 'swap'; readonly entry: SwpEntry };

export class MmStruct {
  /** Virtual page number -> PTE (absent = pte_none). */
  readonly ptes = new Map<number, Pte>();
  constructor(
    readonly id: number,
    readonly ptl: SpinLock,
  ) {}
  /** The pages with a PTE, in address order. */
  pages(): number[] {
    return [...this.ptes.keys()].sort((a, b) => a - b);
  }
}

/**
 * Instrumentation of the page-table changes that decide what a user's load returns, for the workload's data
 * oracle (like the slot event listener, it observes and never changes the kernel's decisions).
 */
export interface MmHooks {
  /** zap_pte_range cleared page's PTE in mm: the page now reads as zero. */
  pteCleared(mm: MmStruct, page: number): void;
  /** copy_page_range copied src's PTE of page into dst: dst's page holds what src's held at this step. */
  pteCopied(src: MmStruct, dst: MmStruct, page: number): void;
}

/**
 * The list of every mm (the kernel's anon_vma chains and mmlist, under their locks; here one plain list that the
 * reverse map and swapoff walk): its footprint key for explore.
 */
export const MMLIST = 'mmlist';

/** mm_alloc: a new address space, registered for reverse-map walks. */
export function mm_alloc(k: Kernel): MmStruct {
  const mm = new MmStruct(k.nextMmId++, k.m.spinlock('mm->page_table_lock'));
  k.mms.push(mm);
  return mm;
}

/** mmput: the address space is gone (after its PTEs were zapped). */
export function mmput(k: Kernel, mm: MmStruct): void {
  k.warnOn(mm.ptes.size > 0, `mmput: mm ${mm.id} still has PTEs`);
  k.m.touchShared(MMLIST);
  const i = k.mms.indexOf(mm);
  if (i >= 0) k.mms.splice(i, 1);
}
