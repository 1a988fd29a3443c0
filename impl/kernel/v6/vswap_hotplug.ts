// CPU hotplug for the vswap allocator (mm/vswap.c): the CPUHP_MM_VSWAP_DEAD teardown of a dead CPU's per-CPU
// cached clusters. CPUHP_*_DEAD states belong to the PREPARE section: the callback runs on the control CPU, in
// process context with interrupts on, after the dead CPU is gone (only STARTING/DYING callbacks run with interrupts
// off on the dying CPU). It may sleep in general, but not inside its RCU read section or under a cluster lock.
import type { V6Kernel } from './design.ts';
import type { Task } from '../sim.ts';
import {
  kfree,
  kmalloc,
  rcu_read_lock,
  rcu_read_unlock,
  refcount_dec_and_test,
  spin_lock,
} from '../sim.ts';
import { vswap_cluster_free } from './vswap_alloc.ts';
import { cluster_unlock } from './vswap_iter.ts';
import type { VswapCluster } from './vswap_types.ts';

/** vswap_cpu_dead: the hotplug teardown un-caches the dead CPU's clusters (process context, under RCU). */
export function* vswap_cpu_dead(k: V6Kernel, cpu: number): Task {
  const m = k.m;
  yield* rcu_read_lock(m);
  for (let order = 0; order < k.partial.length; order++) {
    const c = k.percpuClusters[cpu]![order] ?? null;
    if (!c) continue;
    k.percpuClusters[cpu]![order] = null;
    m.access(c.mem, `vswap cluster ${c.id}`);
    yield* spin_lock(m, c.lock);
    c.cached = false;
    // fault 'cpu-dead-keeps-cache-ref': the reference the per-CPU cache held is never dropped
    if (!k.faultOn('cpu-dead-keeps-cache-ref') && (yield* refcount_dec_and_test(m, c.refcnt))) {
      yield* vswap_cpu_dead_free(k, c);
    }
    yield* cluster_unlock(k, c);
  }
  yield* rcu_read_unlock(m);
}

/** The dead callback's vswap_cluster_free of a cluster whose last reference was the dead CPU's cache. */
function* vswap_cpu_dead_free(k: V6Kernel, c: VswapCluster): Task {
  if (k.faultOn('cpu-dead-alloc')) {
    // fault 'cpu-dead-alloc': the xarray erase that unpublishes the cluster allocates a node (xas_alloc, GFP_KERNEL)
    const node = yield* kmalloc(k.m, 'xa_node (xas_alloc in __xa_erase)', 'GFP_KERNEL');
    kfree(k.m, node);
  }
  yield* vswap_cluster_free(k, c);
}
