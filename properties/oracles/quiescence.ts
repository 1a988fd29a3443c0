// The no-leak oracle and the global invariants, checked when every process has exited and the machine is idle:
// every swap entry free, the design's clusters released (or only held by a per-CPU cache), every physical slot free
// or bad, zswap empty, every memcg swap counter and id reference zero, every folio freed.
import { SimFailure } from '../../impl/sim/index.ts';
import { inspect, renderSlots, type World, type WorldSnapshot } from '../../impl/world/index.ts';

/** Every problem found in a quiescent machine, one line each (empty when clean). */
export function quiescenceProblems(s: WorldSnapshot): string[] {
  const out: string[] = [];
  if (s.liveMms) out.push(`${s.liveMms} mm(s) still alive after every process exited`);
  for (const d of s.slots) {
    const refs = s.pteRefs.get(d.slot) ?? 0;
    out.push(
      `${s.describe(d.slot)} leaked: swap_count=${d.swapCount} in_swapcache=${d.inSwapcache ? 1 : 0} type=${d.type}` +
        ` memcgid=${d.memcgid}, held by ${refs} PTE(s)`,
    );
  }
  out.push(...s.swapProblems);
  for (const dev of s.devices) {
    dev.allocated.forEach((a, off) => {
      if (a) out.push(`swap${dev.index}:${off} still allocated (rmap -> ${dev.rmap[off] ?? 0})`);
      else if (dev.rmap[off]) out.push(`swap${dev.index}:${off} is free but its reverse map still points at ${dev.rmap[off]}`);
    });
    if (dev.inuse !== 0) out.push(`swap${dev.index} inuse_pages=${dev.inuse}, expected 0`);
  }
  for (const z of s.zswap) out.push(`zswap entry ${z.id} (for ${s.describe(z.swpentry)}) never freed`);
  for (const mc of s.memcgs) {
    if (mc.swapCharge !== 0) out.push(`memcg ${mc.id} swap charge ${mc.swapCharge}, expected 0`);
    if (mc.idRefs !== 0) out.push(`memcg ${mc.id} holds ${mc.idRefs} swap id reference(s), expected 0`);
  }
  for (const f of s.folios) out.push(`folio ${f.id} never freed (swap=${f.swap} swapcache=${f.swapcache} refs=${f.refs})`);
  return out;
}

/** The quiescence check as a failure of the run (kind 'leak'), with the leaked slots drawn, or null. */
export function checkQuiescent(w: World): SimFailure | null {
  const s = inspect(w);
  const problems = quiescenceProblems(s);
  if (problems.length === 0) return null;
  const slots = s.slots.map((d) => d.slot);
  return new SimFailure('leak', `${problems[0]}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`, {
    lines: ['at quiescence (every process exited, machine idle):', ...problems.map((p) => `  ${p}`), ...(slots.length ? ['', renderSlots(s, slots)] : [])],
  });
}
