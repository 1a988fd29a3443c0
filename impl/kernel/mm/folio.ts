// struct folio and the folio primitives the swap paths use (include/linux/page-flags.h, mm/filemap.c, mm/swap.c).
// The reference count is a plain field: the kernel changes it with atomics, so callers put a scheduling point
// where another CPU's view of it matters (folio_try_get, folio_ref_freeze).
import type { BitLock, Machine, Task } from '../sim.ts';
import { lock_bit, trylock_bit, unlock_bit, wait_event } from '../sim.ts';
import type { Kernel } from '../kernel.ts';
import type { SwpEntry } from '../swap.ts';

/**
 * The footprint name of "some live folio is under writeback": every change of a folio's PG_writeback or of its being
 * freed records it, so a wait for all writeback to end depends on those steps only (wait_event's `shared`). Each
 * records it as an update of its own folio's part (Machine.touchShared): two writeback ends of different folios
 * commute; only the wait, which reads the whole, is ordered with each.
 */
export const ANY_WRITEBACK = 'any folio under writeback';

export class Folio {
  /** Per-page contents; 0 is a zero-filled page. */
  readonly contents: number[];
  // The kernel keeps these in atomics and flag bits that any CPU reads and changes under different locks (each mm's
  // page-table lock, the folio lock, the LRU lock) or none, so every access tells explore's dependency relation that
  // the step touched this folio (Machine.touchGuarded: the folio's own key; one null check when not recording).
  #swapcache = false;
  #dirty = false;
  #writeback = false;
  #uptodate = false;
  #lru = false;
  #active = false;
  #swap: SwpEntry = 0;
  #refs = 1;
  #mapcount = 0;
  #memcg: number;
  #freed = false;
  constructor(
    readonly id: number,
    readonly order: number,
    readonly lock: BitLock,
    memcg: number,
    private readonly m: Machine,
  ) {
    this.contents = new Array<number>(1 << order).fill(0);
    this.#memcg = memcg;
  }
  private touch(): void {
    this.m.touchGuarded(this.lock);
  }
  /** PG_swapcache */
  get swapcache(): boolean { this.touch(); return this.#swapcache; }
  set swapcache(v: boolean) { this.touch(); this.#swapcache = v; }
  /** PG_dirty */
  get dirty(): boolean { this.touch(); return this.#dirty; }
  set dirty(v: boolean) { this.touch(); this.#dirty = v; }
  /** PG_writeback */
  get writeback(): boolean { this.touch(); return this.#writeback; }
  set writeback(v: boolean) { this.touch(); this.m.touchShared(ANY_WRITEBACK, 'update'); this.#writeback = v; }
  /** PG_uptodate */
  get uptodate(): boolean { this.touch(); return this.#uptodate; }
  set uptodate(v: boolean) { this.touch(); this.#uptodate = v; }
  /** On the LRU list (PG_lru). */
  get lru(): boolean { this.touch(); return this.#lru; }
  set lru(v: boolean) { this.touch(); this.#lru = v; }
  /** PG_active */
  get active(): boolean { this.touch(); return this.#active; }
  set active(v: boolean) { this.touch(); this.#active = v; }
  /** folio->swap: first virtual entry while in the swap cache. */
  get swap(): SwpEntry { this.touch(); return this.#swap; }
  set swap(v: SwpEntry) { this.touch(); this.#swap = v; }
  /** folio_ref_count. */
  get refs(): number { this.touch(); return this.#refs; }
  set refs(v: number) { this.touch(); this.#refs = v; }
  /** PTEs mapping pages of this folio, in any mm. */
  get mapcount(): number { this.touch(); return this.#mapcount; }
  set mapcount(v: number) { this.touch(); this.#mapcount = v; }
  /** Memory charge owner (memcg id); 0 once memcg1_swapout moved the charge to swap. */
  get memcg(): number { this.touch(); return this.#memcg; }
  set memcg(v: number) { this.touch(); this.#memcg = v; }
  get freed(): boolean { this.touch(); return this.#freed; }
  set freed(v: boolean) { this.touch(); this.m.touchShared(ANY_WRITEBACK, 'update'); this.#freed = v; }
  get nr(): number {
    return 1 << this.order;
  }
  toString(): string {
    return `folio#${this.id}`;
  }
}

/** folio_alloc: a new locked-free folio with one reference (the caller's). */
export function folio_alloc(k: Kernel, order: number, memcg: number): Folio {
  const id = k.nextFolioId++;
  const f = new Folio(id, order, k.m.bitLock(`folio#${id}`), memcg, k.m);
  k.folios.push(f);
  return f;
}

/** folio_lock (sleeps until PG_locked is free). */
export function* folio_lock(k: Kernel, f: Folio): Task {
  yield* lock_bit(k.m, f.lock);
}
/** folio_trylock */
export function* folio_trylock(k: Kernel, f: Folio): Task<boolean> {
  return yield* trylock_bit(k.m, f.lock);
}
/** folio_unlock */
export function* folio_unlock(k: Kernel, f: Folio): Task {
  yield* unlock_bit(k.m, f.lock);
}

/** folio_try_get: takes a reference unless the count is already zero (frozen or being freed). */
export function* folio_try_get(k: Kernel, f: Folio): Task<boolean> {
  yield* k.m.pointShared(`folio_try_get ${f}`, f.lock);
  if (f.refs === 0) return false;
  f.refs++;
  return true;
}

/** folio_get */
export function folio_get(f: Folio): void {
  f.refs++;
}

/** folio_put: drops a reference; the last one frees the folio (and takes it off the LRU). */
export function folio_put(k: Kernel, f: Folio): void {
  k.warnOn(f.refs <= 0, `folio_put on ${f} with refcount ${f.refs}`);
  f.refs--;
  if (f.refs === 0) free_folio(k, f);
}

/** free_unref_folios: the folio goes back to the page allocator. */
export function free_folio(k: Kernel, f: Folio): void {
  k.bugOn(f.swapcache, `freeing ${f} while in the swap cache`);
  k.bugOn(f.mapcount > 0, `freeing mapped ${f}`);
  if (f.lru) {
    // the kernel takes lruvec->lru_lock for this (__page_cache_release); here the removal is one step no other CPU
    // can split, like every LRU operation of the port, so only explore's dependency relation needs to be told
    k.m.touchGuarded(k.lruLock);
    f.lru = false;
    const i = k.lru.indexOf(f);
    if (i >= 0) k.lru.splice(i, 1);
  }
  f.freed = true;
  k.m.trace(`${f} freed`);
}

/** folio_ref_freeze: succeeds only if exactly `expected` references exist (used by __remove_mapping). */
export function* folio_ref_freeze(k: Kernel, f: Folio, expected: number): Task<boolean> {
  yield* k.m.pointShared(`folio_ref_freeze ${f}`, f.lock);
  if (f.refs !== expected) return false;
  f.refs = 0;
  return true;
}
/** folio_ref_unfreeze */
export function folio_ref_unfreeze(f: Folio, count: number): void {
  f.refs = count;
}

/** folio_wait_writeback: sleeps until PG_writeback clears (the bio completion clears it from an interrupt). */
export function* folio_wait_writeback(k: Kernel, f: Folio): Task {
  yield* wait_event(k.m, `folio_wait_writeback ${f}`, () => !f.writeback, f.lock);
}

/** is_folio_zero_filled */
export const is_folio_zero_filled = (f: Folio): boolean => f.contents.every((v) => v === 0);
