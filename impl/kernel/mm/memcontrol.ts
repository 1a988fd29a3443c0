// Memory cgroups, as far as swap is concerned (mm/memcontrol.c, mm/memcontrol-v1.c). On cgroup v2 the swap
// counter (memory.swap) is charged when an entry gets a physical slot (with a virtual layer) or at allocation
// (mainline); on cgroup v1 with memsw accounting memcg1_swapout records the memcg in the swap layer's record and
// carries the memsw charge over to swap.
import type { Folio } from './folio.ts';
import type { Kernel } from '../kernel.ts';
import type { Machine, Task } from '../sim.ts';
import { irqs_disabled } from '../sim.ts';
import type { SwpEntry } from '../swap.ts';

export class MemCgroup {
  // Both counters are atomics in the kernel (a page_counter, the id refcount), changed under whichever swap lock
  // the caller holds; every access tells explore's dependency relation that the step touched this memcg.
  #swapCharge = 0;
  #idRefs = 0;
  readonly #key: string;
  constructor(
    readonly id: number,
    /** memory.swap.max (v2). */
    readonly swapMax: number,
    private readonly m: Machine,
  ) {
    this.#key = `memcg#${id}`;
  }
  /** v2: memory.swap usage; v1: the swap part of memsw (the MEMCG_SWAP stat). In pages. */
  get swapCharge(): number {
    this.m.touchShared(this.#key);
    return this.#swapCharge;
  }
  set swapCharge(v: number) {
    this.m.touchShared(this.#key);
    this.#swapCharge = v;
  }
  /** References on the memcg id held by swap descriptors (mem_cgroup_id_get_many / _put_many). */
  get idRefs(): number {
    this.m.touchShared(this.#key);
    return this.#idRefs;
  }
  set idRefs(v: number) {
    this.m.touchShared(this.#key);
    this.#idRefs = v;
  }
}

/** mem_cgroup_from_id */
export function mem_cgroup_from_id(k: Kernel, id: number): MemCgroup | null {
  return id ? (k.memcgs[id] ?? null) : null;
}

/** mem_cgroup_get_swap_memcgid: v2 pins the folio's memcg id for each slot; v1 records later (memcg1_swapout). */
export function mem_cgroup_get_swap_memcgid(k: Kernel, folio: Folio): number {
  if (k.memsw) return 0;
  const memcg = mem_cgroup_from_id(k, folio.memcg);
  if (!memcg) return 0;
  memcg.idRefs += folio.nr;
  return memcg.id;
}

/** mem_cgroup_id_put_many */
export function mem_cgroup_id_put_many(k: Kernel, memcg: MemCgroup, n: number): void {
  memcg.idRefs -= n;
  k.warnOn(memcg.idRefs < 0, `memcg ${memcg.id} id refcount underflow`);
}

/** mem_cgroup_try_charge_swap: v2 only; fails when memory.swap.max would be exceeded. */
export function mem_cgroup_try_charge_swap(k: Kernel, memcg: MemCgroup | null, nr: number): boolean {
  if (k.memsw || !memcg) return true;
  if (memcg.swapCharge + nr > memcg.swapMax) return false;
  memcg.swapCharge += nr;
  return true;
}

/** mem_cgroup_uncharge_swap */
export function mem_cgroup_uncharge_swap(k: Kernel, memcg: MemCgroup | null, nr: number): void {
  if (!memcg || nr === 0) return;
  memcg.swapCharge -= nr;
  k.warnOn(memcg.swapCharge < 0, `memcg ${memcg.id} swap charge underflow`);
}

/**
 * memcg1_swapout: moves the folio's memsw charge to its swap entries and records the memcg with the swap layer.
 * Called from __remove_mapping's swap-cache delete with the swap-cache lock (`token`) held and interrupts off.
 */
export function* memcg1_swapout(k: Kernel, folio: Folio, entry: SwpEntry, token: unknown): Task {
  if (!k.memsw) return;
  k.warnOn(!irqs_disabled(k.m), 'memcg1_swapout with interrupts enabled');
  // memcg id 0 plays the root memcg here, whose swap the model does not count per memcg. A folio gets it when it was
  // charged where no memcg was recorded for the entry and no mm is at hand: mem_cgroup_swapin_charge_folio falls back
  // to root, e.g. for zswap writeback of an entry whose record an earlier, failed writeback cleared (memcg1_swapin).
  const memcg = mem_cgroup_from_id(k, folio.memcg);
  if (!memcg) return;
  memcg.idRefs += folio.nr;
  memcg.swapCharge += folio.nr;
  if (k.faultOn('memcg1-swapout-relock')) {
    // v3/v4: the record path looks the cluster up and locks it again.
    yield* k.swap.swap_cgroup_record(folio, memcg.id, entry);
  } else {
    k.swap.__swap_cgroup_record(folio, memcg.id, entry, token);
  }
  folio.memcg = 0;
}

/** memcg1_swapin: the swapped-in folio got a memsw charge; drop the swap side and forget the memcg id. */
export function* memcg1_swapin(k: Kernel, entry: SwpEntry, nr: number): Task {
  if (!k.memsw) return;
  const id = yield* k.swap.lookup_swap_cgroup_id(entry);
  const memcg = mem_cgroup_from_id(k, id);
  mem_cgroup_uncharge_swap(k, memcg, nr);
  // mem_cgroup_clear_swap
  yield* k.swap.swap_cgroup_clear(entry, nr);
  if (memcg) mem_cgroup_id_put_many(k, memcg, nr);
}
