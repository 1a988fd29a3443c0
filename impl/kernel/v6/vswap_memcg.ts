// The swap cgroup record kept in the descriptors (mm/vswap.c, CONFIG_MEMCG part): which memcg a slot is charged to.
import type { Folio } from '../mm/folio.ts';
import type { V6Kernel } from './design.ts';
import type { MemCgroup } from '../mm/memcontrol.ts';
import type { Task } from '../sim.ts';
import { rcu_read_lock, rcu_read_unlock } from '../sim.ts';
import { __vswap_iter, heldCluster, noCluster, vswap_iter, vswap_iter_done } from './vswap_iter.ts';
import type { SwpEntry, VswapCluster } from './vswap_types.ts';

/** __vswap_cgroup_record: sets the memcg id of nr slots; the cluster lock is held. Returns the old id. */
export function __vswap_cgroup_record(k: V6Kernel, c: VswapCluster, entry: SwpEntry, memcgid: number, nr: number): number {
  let first = 0;
  let old = 0;
  for (let i = 0; i < nr; i++) {
    const d = __vswap_iter(k, c, entry + i);
    if (!d) return k.m.fail('bug', `VM_WARN_ON: __vswap_cgroup_record: slot ${entry + i} not allocated`);
    old = d.memcgid;
    d.memcgid = memcgid;
    if (!first) first = old;
    k.warnOn(first !== old, `__vswap_cgroup_record: slots of ${entry} carry different memcg ids`);
  }
  return old;
}

/** __vswap_swap_cgroup_clear: forgets the memcg of nr slots and drops their id references; lock held. */
export function __vswap_swap_cgroup_clear(k: V6Kernel, c: VswapCluster, entry: SwpEntry, nr: number, memcg: MemCgroup | null): void {
  __vswap_cgroup_record(k, c, entry, 0, nr);
  if (memcg) {
    memcg.idRefs -= nr;
    k.warnOn(memcg.idRefs < 0, `memcg ${memcg.id} id refcount underflow`);
  }
}

/** vswap_cgroup_record: the same, looking the cluster up and taking its lock. */
export function* vswap_cgroup_record(k: V6Kernel, entry: SwpEntry, memcgid: number, nr: number): Task<number> {
  const ref = noCluster();
  yield* rcu_read_lock(k.m);
  const d = yield* vswap_iter(k, ref, entry);
  if (!d) return k.m.fail('bug', `VM_WARN_ON: vswap_cgroup_record: slot ${entry} not allocated`);
  const old = __vswap_cgroup_record(k, heldCluster(k, ref), entry, memcgid, nr);
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
  return old;
}

/** __swap_cgroup_record: records the memcg of a folio's slots with the swap-cache (cluster) lock already held. */
export function __swap_cgroup_record(k: V6Kernel, c: VswapCluster, folio: Folio, memcgid: number, entry: SwpEntry): void {
  const old = __vswap_cgroup_record(k, c, entry, memcgid, folio.nr);
  k.warnOn(old !== 0, `__swap_cgroup_record: slot ${entry} already recorded for memcg ${old}`);
}

/** swap_cgroup_record: the v3/v4 variant that takes the cluster lock itself. */
export function* swap_cgroup_record(k: V6Kernel, folio: Folio, memcgid: number, entry: SwpEntry): Task {
  const old = yield* vswap_cgroup_record(k, entry, memcgid, folio.nr);
  k.warnOn(old !== 0, `swap_cgroup_record: slot ${entry} already recorded for memcg ${old}`);
}

/** swap_cgroup_clear */
export function* swap_cgroup_clear(k: V6Kernel, entry: SwpEntry, nr: number): Task<number> {
  return yield* vswap_cgroup_record(k, entry, 0, nr);
}

/** lookup_swap_cgroup_id */
export function* lookup_swap_cgroup_id(k: V6Kernel, entry: SwpEntry): Task<number> {
  const ref = noCluster();
  yield* rcu_read_lock(k.m);
  const d = yield* vswap_iter(k, ref, entry);
  const id = d ? d.memcgid : 0;
  yield* vswap_iter_done(k, ref);
  yield* rcu_read_unlock(k.m);
  return id;
}
