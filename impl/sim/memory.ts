// The slab allocator shim: kmalloc/kfree with KASAN-like tracking of who freed what (m.access checks it).
import type { Machine } from './machine.ts';
import type { Gfp, Task } from './types.ts';
import type { KObj } from './handles.ts';
import { formatWhere } from './report.ts';
import { objectKey } from './footprint.ts';

/**
 * The shared name (Engine.sharedKey) of the allocator: objects are numbered in the order allocated, and failslab
 * counts the may-fail allocations, so two allocations depend on each other and on nothing else.
 */
const ALLOCATOR = 'slab allocator';

// kmalloc: GFP_KERNEL may sleep (might_alloc) and never fails here; the atomic flavours never sleep and fail when
// the machine's failslab list names their rank (then null, and the log says so)
export function kmalloc(m: Machine, what: string, gfp: 'GFP_KERNEL'): Task<KObj>;
export function kmalloc(m: Machine, what: string, gfp: Gfp): Task<KObj | null>;
export function* kmalloc(m: Machine, what: string, gfp: Gfp): Task<KObj | null> {
  const e = m.engine;
  yield e.point(`kmalloc(${what}, ${gfp})`, null, e.keyOf(ALLOCATOR));
  if (gfp === 'GFP_KERNEL') e.mightSleep(`kmalloc(${what}, GFP_KERNEL)`);
  else if (e.failslab.has(++e.mayFail)) {
    m.trace(`failslab: kmalloc(${what}, ${gfp}) fails`);
    return null;
  }
  const id = e.objects.length;
  e.objects.push({ id, what, freed: null, freedByRcu: null });
  e.liveObjects++;
  return { id, what } as KObj;
}

/**
 * kmalloc_plain: an allocation made in a step the model runs as one (boot, swapon's header read); no scheduling
 * point, never fails. Tracked like kmalloc's, so a later use after free is caught.
 */
export function kmalloc_plain(m: Machine, what: string): KObj {
  const e = m.engine;
  if (e.fp !== null) e.touch(e.sharedKey(ALLOCATOR));
  const id = e.objects.length;
  e.objects.push({ id, what, freed: null, freedByRcu: null });
  e.liveObjects++;
  return { id, what } as KObj;
}

// kfree: plain (no scheduling point), so it can run inside an RCU callback body
export function kfree(m: Machine, h: KObj): void {
  const e = m.engine;
  const o = e.objects[h.id];
  if (o === undefined) throw new Error(`sim: kfree of an unknown object ${h.id}`);
  e.touch(objectKey(h.id));
  if (o.freed !== null) {
    e.fail('use-after-free', `double-free of '${o.what}'`, { lines: [`First freed by ${formatWhere(o.freed)}`] });
  }
  o.freed = e.where();
  o.freedByRcu = e.curCtx?.rcuWhat ?? null;
  e.liveObjects--;
}

/** Whether an object has been freed (for oracles, not for kernel code). */
export function kobj_freed(m: Machine, h: KObj): boolean {
  return m.engine.objects[h.id]?.freed !== null;
}
