// ASCII pictures of swap state for tests and failure reports: one line per touched virtual slot, one row per device.
import type { DescSnapshot, WorldSnapshot } from './inspect.ts';

const TYPE_LETTER = { SWAPFILE: 'S', ZERO: '0', ZSWAP: 'Z', FOLIO: 'F' } as const;

function descLine(d: DescSnapshot, ptes: number): string {
  const backing = d.backing === null ? '-' : 'zswap' in d.backing ? `zswap#${d.backing.zswap}` : `swap${d.backing.dev}:${d.backing.offset}`;
  const cache = d.cache === null ? '-' : 'folio' in d.cache ? `folio#${d.cache.folio}` : `shadow(${d.cache.shadow})`;
  return (
    `  vswap ${String(d.slot).padStart(3)} [${TYPE_LETTER[d.type]}] count=${d.swapCount} ptes=${ptes} ` +
    `cache=${d.inSwapcache ? 1 : 0} memcg=${d.memcgid} backing=${backing} swap_cache=${cache}`
  );
}

/** renderSlots: the given virtual slots (free ones shown as such), then clusters, devices, zswap and memcgs. */
export function renderSlots(s: WorldSnapshot, slots: readonly number[]): string {
  const lines: string[] = [];
  for (const slot of slots) {
    const d = s.descriptors.find((x) => x.slot === slot);
    lines.push(d ? descLine(d, s.pteRefs.get(slot) ?? 0) : `  vswap ${String(slot).padStart(3)} free`);
  }
  for (const c of s.clusters) {
    const bits = c.bitmap.map((b) => (b ? '#' : '.')).join('');
    const flags = [c.cached ? `cached@cpu${c.cachedOn.join(',')}` : '', c.full ? 'full' : '', c.onPartialList ? 'partial' : '']
      .filter(Boolean)
      .join(' ');
    lines.push(`  cluster ${c.id} o${c.order} [${bits}] count=${c.count} refcnt=${c.refcnt} ${flags}`.trimEnd());
  }
  for (const d of s.devices) {
    const row = d.allocated.map((a, i) => (d.bad[i] ? 'x' : a ? '#' : '.')).join('');
    lines.push(`  swap${d.index} [${row}] inuse=${d.inuse}${d.on ? '' : ' off'}`);
  }
  lines.push(`  zswap [${s.zswap.map((z) => `#${z.id}->${z.swpentry}`).join(' ')}]`);
  lines.push(`  memcg ${s.memcgs.slice(1).map((m) => `${m.id}:swap=${m.swapCharge},ids=${m.idRefs}`).join(' ')}`);
  return lines.join('\n');
}
