// The operations a workload performs, each a generator task to spawn on a CPU. Process operations model a user
// access or syscall of that process; background ones model kernel threads and administration.
import { do_anonymous_page, do_swap_page, do_wp_page } from '../kernel/mm/fault.ts';
import type { Folio } from '../kernel/mm/folio.ts';
import { copy_page_range } from '../kernel/mm/fork.ts';
import { folio_isolate_lru, isolate_lru_folios } from '../kernel/mm/lru.ts';
import { mmput } from '../kernel/mm/mm.ts';
import type { Task } from '../kernel/sim.ts';
import { spin_lock, spin_unlock, wait_event } from '../kernel/sim.ts';
import { swapoff, swapon } from '../kernel/mm/swapon.ts';
import { shrink_folio_list } from '../kernel/mm/vmscan.ts';
import { zap_pte_range } from '../kernel/mm/zap.ts';
import { zswap_shrink } from '../kernel/mm/zswap.ts';
import type { Process, World } from './world.ts';

/**
 * The kernel entry points the operations run, as race coverage names them (interrupt handlers and RCU callbacks
 * are named by the simulator: the handler's name, 'rcu_callback').
 */
export const ENTRY_POINTS = [
  'do_anonymous_page',
  'do_swap_page',
  'do_wp_page',
  'copy_page_range',
  'zap_pte_range',
  'madvise_pageout',
  'shrink_folio_list',
  'zswap_writeback_entry',
  'swapoff',
  'swapon',
  'cpu_dead',
  'end_swap_bio_write',
  'rcu_callback',
] as const;
export type EntryPoint = (typeof ENTRY_POINTS)[number];

/** One call of a kernel entry point, for observers (plain enter and leave, no scheduling point). */
function* entry<T>(w: World, fn: EntryPoint, body: Task<T>): Task<T> {
  w.m.enterFn(fn);
  const r = yield* body;
  w.m.leaveFn();
  return r;
}

/** A store to one page: faults it in (new page, swap-in, or copy-on-write) until the PTE is present and writable. */
export function* op_write(w: World, proc: Process, page: number, value: number): Task {
  const { k, m } = w;
  for (;;) {
    // a lockless PTE read, like a load or store the MMU checks: it depends on the steps that read or change this mm's
    // PTEs (each records the page-table lock's object: mm.ts), not on everything
    yield* m.pointShared(`${m.currentTaskName()} write page ${page}`, proc.mm.ptl);
    const pte = proc.mm.ptes.get(page);
    if (!pte) yield* entry(w, 'do_anonymous_page', do_anonymous_page(k, proc.mm, proc.memcg, page, 0));
    else if (pte.kind === 'swap') yield* entry(w, 'do_swap_page', do_swap_page(k, proc.mm, proc.memcg, page, pte.entry, true));
    else if (!pte.writable) yield* entry(w, 'do_wp_page', do_wp_page(k, proc.mm, proc.memcg, page));
    else {
      // the store itself: atomic with the PTE check, as a TLB-mapped store is against a PTE change
      pte.folio.contents[pte.idx] = value;
      pte.folio.dirty = true;
      if (m.tracing) m.trace(`${m.currentTaskName()} page ${page} := ${value} (${pte.folio})`);
      return;
    }
  }
}

/** A load from one page; an unmapped page reads 0 (the zero page), a swapped-out one is faulted in. */
export function* op_read(w: World, proc: Process, page: number): Task<number> {
  const { k, m } = w;
  for (;;) {
    yield* m.pointShared(`${m.currentTaskName()} read page ${page}`, proc.mm.ptl);
    const pte = proc.mm.ptes.get(page);
    if (!pte) return 0;
    if (pte.kind === 'present') {
      const v = pte.folio.contents[pte.idx]!;
      if (m.tracing) m.trace(`${m.currentTaskName()} page ${page} == ${v} (${pte.folio})`);
      return v;
    }
    yield* entry(w, 'do_swap_page', do_swap_page(k, proc.mm, proc.memcg, page, pte.entry, false));
  }
}

/** mmap(MAP_FIXED) of a zero-filled folio of 2^order pages at start rounded down; null if the order is not allowed. */
export function* op_map_large(w: World, proc: Process, start: number, order: number): Task<{ start: number; nr: number } | null> {
  if (!w.k.config.orders.includes(order)) return null;
  const nr = 1 << order;
  const at = Math.floor(start / nr) * nr;
  yield* entry(w, 'zap_pte_range', zap_pte_range(w.k, proc.mm, at, nr));
  const ok = yield* entry(w, 'do_anonymous_page', do_anonymous_page(w.k, proc.mm, proc.memcg, at, order));
  return ok ? { start: at, nr } : null;
}

/** MADV_PAGEOUT: reclaims the folios mapped in [start, start + nr). */
export function* op_pageout(w: World, proc: Process, start: number, nr: number): Task {
  yield* entry(w, 'madvise_pageout', madvise_pageout(w, proc, start, nr));
}

/** madvise_pageout -> reclaim_pages: isolates the range's folios and reclaims them. */
function* madvise_pageout(w: World, proc: Process, start: number, nr: number): Task {
  const { k, m } = w;
  const found: Folio[] = [];
  yield* spin_lock(m, proc.mm.ptl);
  for (let p = start; p < start + nr; p++) {
    const pte = proc.mm.ptes.get(p);
    if (pte?.kind === 'present' && !found.includes(pte.folio)) found.push(pte.folio);
  }
  yield* spin_unlock(m, proc.mm.ptl);
  const isolated: Folio[] = [];
  for (const f of found) if (yield* folio_isolate_lru(k, f)) isolated.push(f);
  yield* shrink_folio_list(k, isolated);
}

/** fork: a child in the same memcg with a copy of the address space; null when fork failed (-ENOMEM). */
export function* op_fork(w: World, proc: Process): Task<Process | null> {
  const child = w.createProcess(proc.memcg - 1);
  if ((yield* entry(w, 'copy_page_range', copy_page_range(w.k, proc.mm, child.mm))) < 0) {
    // dup_mmap failed: what was copied is torn down with the half-built mm
    yield* op_exit(w, child);
    return null;
  }
  return child;
}

/** munmap of [start, start + nr). */
export function* op_munmap(w: World, proc: Process, start: number, nr: number): Task {
  yield* entry(w, 'zap_pte_range', zap_pte_range(w.k, proc.mm, start, nr));
}

/** exit: unmaps everything and drops the mm. */
export function* op_exit(w: World, proc: Process): Task {
  if (proc.exited) return;
  const pages = proc.mm.pages();
  if (pages.length) yield* entry(w, 'zap_pte_range', zap_pte_range(w.k, proc.mm, pages[0]!, pages[pages.length - 1]! - pages[0]! + 1));
  mmput(w.k, proc.mm);
  proc.exited = true;
}

/** kswapd-like reclaim of up to nr folios from the cold end of the LRU. */
export function* op_reclaim(w: World, nr: number): Task {
  yield* entry(w, 'shrink_folio_list', (function* () {
    const folios = yield* isolate_lru_folios(w.k, nr);
    yield* shrink_folio_list(w.k, folios);
  })());
}

/** The zswap shrinker writing back up to nr objects; how many it wrote. */
export function* op_zswap_writeback(w: World, nr: number): Task<number> {
  return yield* entry(w, 'zswap_writeback_entry', zswap_shrink(w.k, nr));
}

/** swapoff of device dev (waits until every slot of it left service). */
export function* op_swapoff(w: World, dev: number): Task {
  if (dev < 0 || dev >= w.k.devices.length) return;
  yield* entry(w, 'swapoff', swapoff(w.k, dev));
}

/** swapon of device dev (marks its bad slots). */
export function* op_swapon(w: World, dev: number): Task {
  if (dev < 0 || dev >= w.k.devices.length) return;
  yield* entry(w, 'swapon', swapon(w.k, dev));
}

/** CPU hotplug: takes cpu offline and, from this (control) CPU, runs the vswap dead callback once it is down. */
export function* op_cpu_offline(w: World, cpu: number): Task {
  const { m } = w;
  if (cpu === m.cpu() || cpu < 0 || cpu >= m.cpus || !m.isOnline(cpu)) return;
  m.setOnline(cpu, false);
  yield* wait_event(m, `cpu${cpu} going down`, () => !m.isOnline(cpu));
  yield* entry(w, 'cpu_dead', w.k.swap.cpu_dead(cpu));
}
