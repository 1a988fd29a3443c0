// Descriptor lookup (mm/vswap.c): the cluster map load under RCU, and the iterators that walk a range of virtual
// slots taking each cluster's lock in turn.
import type { V6Kernel } from './design.ts';
import type { Task } from '../sim.ts';
import { lockdep_assert_held, sched, spin_lock, spin_unlock, spin_unlock_irq } from '../sim.ts';
import type { SwpDesc, SwpEntry, VswapCluster } from './vswap_types.ts';
import { clusterIdx, idxWithin } from './vswap_types.ts';

/** The `struct vswap_cluster **clusterp` the iterators carry: the cluster whose lock is held, or null. */
export interface ClusterRef {
  cluster: VswapCluster | null;
}
export const noCluster = (): ClusterRef => ({ cluster: null });

/** xa_load(&vswap_cluster_map, id): a lockless RCU lookup, so a scheduling point. */
export function* xa_load(k: V6Kernel, id: number): Task<VswapCluster | null> {
  yield* sched(k.m, `xa_load vswap_cluster_map[${id}]`);
  const c = k.clusterMap.get(id) ?? null;
  if (c) k.m.access(c.mem, `vswap cluster ${id}`);
  return c;
}

/** __vswap_iter: the descriptor of slot i if allocated; the caller holds the cluster lock. */
export function __vswap_iter(k: V6Kernel, cluster: VswapCluster, i: SwpEntry): SwpDesc | null {
  lockdep_assert_held(k.m, cluster.lock);
  k.m.access(cluster.mem, `vswap cluster ${cluster.id}`);
  k.warnOn(cluster.id !== clusterIdx(i, k.clusterSize), `__vswap_iter: slot ${i} not in cluster ${cluster.id}`);
  const idx = idxWithin(i, k.clusterSize);
  return cluster.bitmap[idx] ? cluster.descriptors[idx]! : null;
}

/**
 * vswap_iter: the descriptor of slot i, switching the held cluster lock when i is in another cluster. Returns null
 * (and holds no lock) when the slot is not allocated. Caller is in an RCU read-side section.
 */
export function* vswap_iter(k: V6Kernel, ref: ClusterRef, i: SwpEntry): Task<SwpDesc | null> {
  const id = clusterIdx(i, k.clusterSize);
  let cluster = ref.cluster;
  if (!cluster || cluster.id !== id) {
    if (cluster) yield* cluster_unlock(k, cluster);
    cluster = yield* xa_load(k, id);
    if (!cluster) {
      ref.cluster = null;
      return null;
    }
    yield* spin_lock(k.m, cluster.lock);
  }
  k.m.access(cluster.mem, `vswap cluster ${cluster.id}`);
  const idx = idxWithin(i, k.clusterSize);
  const desc = cluster.bitmap[idx] ? cluster.descriptors[idx]! : null;
  if (!desc) {
    yield* spin_unlock(k.m, cluster.lock);
    cluster = null;
  }
  ref.cluster = cluster;
  return desc;
}

/** Releases the lock an iteration ended with (the `if (cluster) spin_unlock(&cluster->lock)` epilogue). */
export function* vswap_iter_done(k: V6Kernel, ref: ClusterRef): Task {
  if (ref.cluster) yield* cluster_unlock(k, ref.cluster);
  ref.cluster = null;
}

/**
 * spin_unlock(&cluster->lock) where the unlocking path may have freed the cluster: the lock is embedded in struct
 * vswap_cluster, so the unlock writes the cluster's memory (KASAN sees it if the free did not wait for RCU).
 */
export function* cluster_unlock(k: V6Kernel, c: VswapCluster): Task {
  k.m.access(c.mem, `spin_unlock(&vswap cluster ${c.id}->lock)`);
  yield* spin_unlock(k.m, c.lock);
}
/** spin_unlock_irq(&cluster->lock), with the same check. */
export function* cluster_unlock_irq(k: V6Kernel, c: VswapCluster): Task {
  k.m.access(c.mem, `spin_unlock_irq(&vswap cluster ${c.id}->lock)`);
  yield* spin_unlock_irq(k.m, c.lock);
}

/** The cluster of an allocated slot whose lock is held (after vswap_iter returned its descriptor). */
export function heldCluster(k: V6Kernel, ref: ClusterRef): VswapCluster {
  const c = ref.cluster;
  if (!c) return k.m.fail('bug', 'vswap: no cluster lock held after a successful lookup');
  return c;
}
