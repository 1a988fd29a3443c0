// ASCII pictures of swap state for tests and failure reports: one line per touched swap entry, then the design's
// clusters, one row per device, zswap and memcgs.
import type { SlotSnapshot, WorldSnapshot } from './inspect.ts';

const TYPE_LETTER = { SWAPFILE: 'S', ZERO: '0', ZSWAP: 'Z', FOLIO: 'F' } as const;

function slotLine(s: WorldSnapshot, d: SlotSnapshot, ptes: number): string {
  const backing = d.backing === null ? '-' : 'zswap' in d.backing ? `zswap#${d.backing.zswap}` : `swap${d.backing.dev}:${d.backing.offset}`;
  const cache = d.cache === null ? '-' : 'folio' in d.cache ? `folio#${d.cache.folio}` : `shadow(${d.cache.shadow})`;
  return (
    `  ${s.describe(d.slot).padEnd(9)} [${TYPE_LETTER[d.type]}] count=${d.swapCount} ptes=${ptes} ` +
    `cache=${d.inSwapcache ? 1 : 0} memcg=${d.memcgid} backing=${backing} swap_cache=${cache}`
  );
}

/** renderSlots: the given swap entries (free ones shown as such), then clusters, devices, zswap and memcgs. */
export function renderSlots(s: WorldSnapshot, slots: readonly number[]): string {
  const lines: string[] = [];
  for (const slot of slots) {
    const d = s.slots.find((x) => x.slot === slot);
    lines.push(d ? slotLine(s, d, s.pteRefs.get(slot) ?? 0) : `  ${s.describe(slot).padEnd(9)} free`);
  }
  for (const c of s.clusters) {
    const bits = c.bitmap.map((b) => (b ? '#' : '.')).join('');
    lines.push(`  ${c.space} cluster ${c.id} o${c.order} [${bits}] count=${c.count} ${c.state}`.trimEnd());
  }
  for (const d of s.devices) {
    const row = d.allocated.map((a, i) => (d.bad[i] ? 'x' : a ? '#' : '.')).join('');
    lines.push(`  swap${d.index} [${row}] inuse=${d.inuse}${d.on ? '' : ' off'}`);
  }
  lines.push(`  zswap [${s.zswap.map((z) => `#${z.id}->${z.swpentry}`).join(' ')}]`);
  lines.push(`  memcg ${s.memcgs.slice(1).map((m) => `${m.id}:swap=${m.swapCharge},ids=${m.idRefs}`).join(' ')}`);
  return lines.join('\n');
}
