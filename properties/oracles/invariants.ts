// What the page-table lock protects, as the oracle checks it whenever an mm's page_table_lock is released: every
// swap PTE of that mm holds a slot that is allocated, with a swap count of at least the number of PTEs that hold it
// in the mms whose lock is free. A PTE's reference is taken before the PTE is written (fork's dup, reclaim's unmap)
// and dropped after it is cleared, or, in do_swap_page and swapoff's unuse, just before the PTE is replaced under
// the lock: so PTEs of an mm whose lock is held may be mid-change and are not counted. A freed slot that a PTE still
// names (a double put, a lost reference) shows at once, not when the next fault on it spins (a freed slot only makes
// do_swap_page retry, as VM_FAULT_OOM does since v5.16) or when the slot is reused.
import { spin_is_locked } from '../../impl/sim/index.ts';
import type { Kernel } from '../../impl/kernel/kernel.ts';

export function ptlChecker(k: Kernel): (lockId: number, name: string) => string[] | null {
  return (lockId, name) => {
    if (name !== 'mm->page_table_lock') return null;
    const mm = k.mms.find((x) => x.ptl.id === lockId);
    if (!mm) return null;
    let refs: Map<number, number> | null = null;
    const out: string[] = [];
    for (const [page, pte] of mm.ptes) {
      if (pte.kind !== 'swap') continue;
      const view = k.swap.slotView(pte.entry);
      if (!view.allocated) {
        out.push(`mm ${mm.id} page ${page}: the swap PTE holds ${k.swap.describeSlot(pte.entry)}, which is free`);
        continue;
      }
      if (refs === null) {
        refs = new Map();
        for (const m of k.mms) {
          if (m !== mm && spin_is_locked(k.m, m.ptl)) continue;
          for (const p of m.ptes.values()) if (p.kind === 'swap') refs.set(p.entry, (refs.get(p.entry) ?? 0) + 1);
        }
      }
      const n = refs.get(pte.entry) ?? 0;
      if (view.swapCount < n) out.push(`${k.swap.describeSlot(pte.entry)} has swap count ${view.swapCount}, but ${n} PTE(s) hold it`);
    }
    return out.length ? out : null;
  };
}

/** Every lock-release invariant: the page-table lock's (above) and the design's cluster locks'. */
export function lockReleaseChecker(k: Kernel): (lockId: number, name: string) => string[] | null {
  const design = k.swap.releaseChecker();
  const ptl = ptlChecker(k);
  return (id, name) => (name === 'mm->page_table_lock' ? ptl(id, name) : design(id, name));
}
