// Address spaces and page tables (struct mm_struct, PTEs): each PTE maps one page of a folio or holds a virtual
// swap entry. The page-table lock (one per mm here, like mm->page_table_lock) serialises PTE changes.
import type { Folio } from './folio.ts';
import type { Kernel } from '../kernel.ts';
import type { Machine, SpinLock } from '../sim.ts';
import type { SwpEntry } from '../swap.ts';

/**
 * A PTE value. Never changed in place: a new value replaces it (set_pte_at), so that pte_same, a value comparison in
 * the kernel, is object identity here.
 */
export type Pte =
  | { readonly kind: 'present'; readonly folio: Folio; readonly idx: number; readonly writable: boolean }
  | { readonly kind: 'swap'; readonly entry: SwpEntry };

/**
 * Virtual page number -> PTE (absent = pte_none). Every read or change records the page-table lock's object as the
 * step's footprint key (Machine.touchGuarded), held or not, so a lockless PTE read (a workload's load or store
 * deciding whether to fault) can name what it reads (Machine.pointShared) instead of depending on everything.
 */
class PageTable extends Map<number, Pte> {
  constructor(private readonly touch: () => void) {
    super();
  }
  override get(page: number): Pte | undefined {
    this.touch();
    return super.get(page);
  }
  override has(page: number): boolean {
    this.touch();
    return super.has(page);
  }
  override set(page: number, pte: Pte): this {
    this.touch();
    return super.set(page, pte);
  }
  override delete(page: number): boolean {
    this.touch();
    return super.delete(page);
  }
  override entries(): MapIterator<[number, Pte]> {
    this.touch();
    return super.entries();
  }
  override keys(): MapIterator<number> {
    this.touch();
    return super.keys();
  }
  override values(): MapIterator<Pte> {
    this.touch();
    return super.values();
  }
  override [Symbol.iterator](): MapIterator<[number, Pte]> {
    return this.entries();
  }
  override get size(): number {
    this.touch();
    return super.size;
  }
}

export class MmStruct {
  readonly ptes: Map<number, Pte>;
  constructor(
    readonly id: number,
    readonly ptl: SpinLock,
    m?: Machine,
  ) {
    this.ptes = m === undefined ? new Map() : new PageTable(() => m.touchGuarded(ptl));
  }
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
  const mm = new MmStruct(k.nextMmId++, k.m.spinlock('mm->page_table_lock'), k.m);
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
