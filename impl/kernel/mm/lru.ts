// The LRU list reclaim scans (mm/swap.c, mm/vmscan.c): adding, isolating and putting back folios under
// lruvec->lru_lock (taken with interrupts off, as the kernel does).
import type { Folio } from './folio.ts';
import { folio_put } from './folio.ts';
import type { Kernel } from '../kernel.ts';
import type { Task } from '../sim.ts';
import { spin_lock_irq, spin_unlock_irq } from '../sim.ts';

/** folio_add_lru */
export function* folio_add_lru(k: Kernel, f: Folio): Task {
  yield* spin_lock_irq(k.m, k.lruLock);
  if (!f.lru && !f.freed) {
    f.lru = true;
    k.lru.push(f);
  }
  yield* spin_unlock_irq(k.m, k.lruLock);
}

/** folio_isolate_lru: takes the folio off the LRU with a reference, for reclaim. */
export function* folio_isolate_lru(k: Kernel, f: Folio): Task<boolean> {
  yield* spin_lock_irq(k.m, k.lruLock);
  const ok = f.lru;
  if (ok) {
    f.lru = false;
    k.lru.splice(k.lru.indexOf(f), 1);
    f.refs++;
  }
  yield* spin_unlock_irq(k.m, k.lruLock);
  return ok;
}

/** isolate_lru_folios: up to nr folios from the cold end of the LRU. */
export function* isolate_lru_folios(k: Kernel, nr: number): Task<Folio[]> {
  yield* spin_lock_irq(k.m, k.lruLock);
  const taken = k.lru.splice(0, nr);
  for (const f of taken) {
    f.lru = false;
    f.refs++;
  }
  yield* spin_unlock_irq(k.m, k.lruLock);
  return taken;
}

/** folio_putback_lru: back on the LRU (at the hot end when activated) and the isolation reference dropped. */
export function* folio_putback_lru(k: Kernel, f: Folio, activate: boolean): Task {
  yield* spin_lock_irq(k.m, k.lruLock);
  f.lru = true;
  f.active = activate;
  k.lru.push(f);
  yield* spin_unlock_irq(k.m, k.lruLock);
  folio_put(k, f);
}
