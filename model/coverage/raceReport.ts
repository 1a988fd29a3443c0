// Race coverage as text and as an HTML matrix: for each pair of entry points, how many times two calls of them
// were in flight together on one cluster and on one slot (never-seen pairs in red), and the lock contentions seen.
// The entry-point names come from the caller (the implementation's list); this file knows no kernel.
import { pairKey, type RaceCounts } from './coverageRecord.ts';

/** Text for HTML element content and attribute values (both reports use it). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface RaceSummary {
  /** Unordered pairs (self-pairs included) of the entry points. */
  readonly pairs: number;
  readonly cluster: number;
  readonly slot: number;
  readonly contention: number;
  /** Pairs never seen on a cluster. */
  readonly unseen: readonly string[];
}

export function summarizeRaces(r: RaceCounts | undefined, entries: readonly string[]): RaceSummary {
  const all: string[] = [];
  for (let i = 0; i < entries.length; i++) for (let j = i; j < entries.length; j++) all.push(pairKey(entries[i]!, entries[j]!));
  return {
    pairs: all.length,
    cluster: all.filter((p) => (r?.cluster[p] ?? 0) > 0).length,
    slot: all.filter((p) => (r?.slot[p] ?? 0) > 0).length,
    contention: Object.keys(r?.contention ?? {}).length,
    unseen: all.filter((p) => !(r?.cluster[p] ?? 0)),
  };
}

export function raceText(r: RaceCounts | undefined, entries: readonly string[]): string {
  if (!r) return 'race coverage: not recorded\n';
  const s = summarizeRaces(r, entries);
  return (
    `race coverage — entry points in flight together (${entries.length} entry points, ${s.pairs} pairs)\n` +
    `  on one cluster ${s.cluster}/${s.pairs}, on one slot ${s.slot}/${s.pairs}, lock contentions seen ${s.contention}\n`
  );
}

function cell(r: RaceCounts, a: string, b: string): string {
  const k = pairKey(a, b);
  const c = r.cluster[k] ?? 0;
  const s = r.slot[k] ?? 0;
  const cls = c === 0 ? 'never' : s === 0 ? 'cluster' : 'slot';
  return `<td class="${cls}" title="${escapeHtml(`${a} with ${b}: ${c} on one cluster, ${s} on one slot`)}">${c ? `${c}${s ? `/${s}` : ''}` : '—'}</td>`;
}

/** The HTML section: the matrix (cluster/slot counts per pair, red when never seen) and the contention table. */
export function raceHtml(r: RaceCounts | undefined, entries: readonly string[]): string {
  if (!r) return '';
  const s = summarizeRaces(r, entries);
  const head = `<tr><th></th>${entries.map((e) => `<th class="rot"><div>${escapeHtml(e)}</div></th>`).join('')}</tr>`;
  const rows = entries
    .map((a, i) => `<tr><th>${escapeHtml(a)}</th>${entries.map((b, j) => (j < i ? '<td class="mirror"></td>' : cell(r, a, b))).join('')}</tr>`)
    .join('\n');
  const all = Object.entries(r.contention).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  const contention = all
    .slice(0, 30)
    .map(([k, n]) => {
      const [lock, waiter, holder] = k.split('|');
      return `<tr><td><code>${escapeHtml(lock!)}</code></td><td>${escapeHtml(waiter!)}</td><td>${escapeHtml(holder!)}</td><td>${n}</td></tr>`;
    })
    .join('\n');
  return `<section class="races"><h2>Race coverage <small>entry points in flight together</small></h2>
<p>${s.cluster} of ${s.pairs} pairs seen on one cluster (both took its lock during their calls), ${s.slot} on one slot (both changed it).
A cell reads <em>cluster/slot</em> counts of overlapping calls; red: never seen together.</p>
<table class="matrix">
${head}
${rows}
</table>
<p>Entry points that never take a cluster lock or change a slot themselves (a new anonymous page, the write
completion, RCU callbacks) stay red in every cell: what they race with shows in the contention table.</p>
<h3>Lock contention (a call found the lock held by another)${all.length > 30 ? ` — the 30 most frequent of ${all.length}` : ''}</h3>
<table><tr><th>lock</th><th>waiter</th><th>holder</th><th>times</th></tr>
${contention}
</table></section>`;
}

export const RACE_CSS = `
table.matrix td { text-align: center; min-width: 2.5em; font-size: 0.85em; }
table.matrix td.never { background: #f8d0d0; color: #d62728; }
table.matrix td.cluster { background: #fdf0c4; }
table.matrix td.slot { background: #d4efd4; }
table.matrix td.mirror { border: none; }
table.matrix th { font-size: 0.8em; font-weight: normal; text-align: right; }
table.matrix th.rot { height: 11em; vertical-align: bottom; }
table.matrix th.rot div { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; }
`;
