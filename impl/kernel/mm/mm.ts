// Address spaces and page tables (struct mm_struct, PTEs): each PTE maps one page of a folio or holds a virtual
// swap entry. The page-table lock (one per mm here, like mm->page_table_lock) serialises PTE changes.
import type { Folio } from './folio.ts';
import type { Kernel } from '../kernel.ts';
import type { SpinLock } from '../sim.ts';
import type { SwpEntry } from '../swap.ts';

export type Pte =
  | { readonly kind: 'present'; readonly folio: Folio; readonly idx: number; writable: boolean }
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

/** mm_alloc: a new address space, registered for reverse-map walks. */
export function mm_alloc(k: Kernel): MmStruct {
  const mm = new MmStruct(k.nextMmId++, k.m.spinlock('mm->page_table_lock'));
  k.mms.push(mm);
  return mm;
}

/** mmput: the address space is gone (after its PTEs were zapped). */
export function mmput(k: Kernel, mm: MmStruct): void {
  k.warnOn(mm.ptes.size > 0, `mmput: mm ${mm.id} still has PTEs`);
  const i = k.mms.indexOf(mm);
  if (i >= 0) k.mms.splice(i, 1);
}
