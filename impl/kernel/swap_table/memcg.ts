// The memcg side of the swap table (mm/swap_table.h memcg_table helpers, mm/memcontrol.c swap charge): the
// per-cluster table of memcg ids replaces swap_cgroup; cgroup v2 charges memory.swap when folio_alloc_swap gives a
// folio its slots and uncharges when a slot is freed.
import type { Folio } from '../mm/folio.ts';
import { mem_cgroup_from_id, mem_cgroup_id_put_many, mem_cgroup_uncharge_swap as uncharge } from '../mm/memcontrol.ts';
import type { Task } from '../sim.ts';
import { lockdep_assert_held } from '../sim.ts';
import { ENOMEM } from '../swap.ts';
import type { SwapTableKernel } from './kernel.ts';
import { ci_off, swap_cluster_lock, swap_cluster_unlock } from './lock.ts';
import type { SwapClusterInfo } from './types.ts';

/** __swap_cgroup_set: ci->lock held; a cluster without a memcg table warns and records nothing. */
export function __swap_cgroup_set(k: SwapTableKernel, ci: SwapClusterInfo, off: number, nr: number, id: number): void {
  lockdep_assert_held(k.m, ci.lock);
  if (!ci.memcgTable) {
    k.warnOn(true, `__swap_cgroup_set: cluster ${ci.id} has no memcg table`);
    return;
  }
  for (let i = 0; i < nr; i++) ci.memcgTable[off + i] = id;
}

/** __swap_cgroup_get: ci->lock held; 0 without a memcg table. */
export function __swap_cgroup_get(k: SwapTableKernel, ci: SwapClusterInfo, off: number): number {
  lockdep_assert_held(k.m, ci.lock);
  return ci.memcgTable?.[off] ?? 0;
}

/** __swap_cgroup_clear: the id of the first slot; when it is 0 the others are left alone. ci->lock held. */
export function __swap_cgroup_clear(k: SwapTableKernel, ci: SwapClusterInfo, off: number, nr: number): number {
  const old = __swap_cgroup_get(k, ci, off);
  if (!old || !ci.memcgTable) return 0;
  for (let i = 0; i < nr; i++) {
    k.warnOn(ci.memcgTable[off + i] !== old, `__swap_cgroup_clear: slot ${off + i} of cluster ${ci.id} has another memcg`);
    ci.memcgTable[off + i] = 0;
  }
  return old;
}

/** mem_cgroup_uncharge_swap(id, nr): the swap (v2) or memsw (v1) charge of a freed run, and its id references. */
export function mem_cgroup_uncharge_swap(k: SwapTableKernel, id: number, nr: number): void {
  const memcg = mem_cgroup_from_id(k, id);
  if (!memcg) return;
  uncharge(k, memcg, nr);
  mem_cgroup_id_put_many(k, memcg, nr);
}

/**
 * __mem_cgroup_try_charge_swap (cgroup v2, at folio_alloc_swap): id references, the memory.swap charge, and the id
 * recorded for every slot under the cluster lock. -ENOMEM past memory.swap.max (the caller drops the slots).
 */
export function* __mem_cgroup_try_charge_swap(k: SwapTableKernel, folio: Folio): Task<number> {
  if (k.memsw) return 0;
  const memcg = mem_cgroup_from_id(k, folio.memcg);
  if (!memcg || !folio.swapcache) return 0;
  memcg.idRefs += folio.nr;
  if (memcg.swapCharge + folio.nr > memcg.swapMax) {
    mem_cgroup_id_put_many(k, memcg, folio.nr);
    return -ENOMEM;
  }
  memcg.swapCharge += folio.nr;
  const { si, off } = k.entryInfo(folio.swap);
  const ci = yield* swap_cluster_lock(k, si, off);
  if (!ci) return k.m.fail('bug', `__mem_cgroup_try_charge_swap: ${folio}'s cluster is gone`);
  __swap_cgroup_set(k, ci, ci_off(si, off), folio.nr, memcg.id);
  yield* swap_cluster_unlock(k, ci);
  return 0;
}
