// compare's HTML report: the metadata, locking and throughput plots (Vega-Lite, rendered to SVG in Node), then the
// Markdown report itself.
import { marked } from 'marked';
import type { TopLevelSpec } from 'vega-lite';
import type { CompareResult } from '../properties/compare.ts';
import { plotSvg } from './plots.ts';

/** One colour per design in every plot. */
const DESIGN_COLOURS = { domain: ['6.19', 'mainline', 'v6', 'ste'], range: ['#7f7f7f', '#1f77b4', '#d62728', '#2ca02c'] };

/** The report as one HTML page: the three plots, then the Markdown report rendered by marked. */
export async function compareHtml(r: CompareResult, md: string): Promise<string> {
  const measured = r.metadata.map((p) => ({ design: p.design, backing: p.backing, fill: p.fill, MB: p.mb32g }));
  const published = r.metadata.filter((p) => p.published !== null).map((p) => ({ design: p.design, backing: p.backing, fill: p.fill, MB: p.published }));
  const color = { field: 'design', type: 'nominal', scale: DESIGN_COLOURS } as const;
  const metaPlot: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Swap metadata for a 32 GB swapfile (MB): measured (lines), published (diamonds)',
    facet: { column: { field: 'backing', type: 'nominal', title: null } },
    data: { values: [...measured.map((d) => ({ ...d, figure: 'measured' })), ...published.map((d) => ({ ...d, figure: 'published' }))] },
    spec: {
      width: 320,
      height: 240,
      layer: [
        {
          transform: [{ filter: "datum.figure === 'measured'" }],
          mark: { type: 'line', point: true },
          encoding: { x: { field: 'fill', type: 'quantitative', title: '% of the swapfile swapped out' }, y: { field: 'MB', type: 'quantitative', title: 'MB' }, color },
        },
        {
          transform: [{ filter: "datum.figure === 'published'" }],
          mark: { type: 'point', shape: 'diamond', size: 120, filled: false, strokeWidth: 2 },
          encoding: { x: { field: 'fill', type: 'quantitative' }, y: { field: 'MB', type: 'quantitative' }, color },
        },
      ],
    },
  };
  const lockPlot: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Locks taken per call',
    data: { values: r.locking.filter((l) => l.calls > 0).map((l) => ({ ...l, locks: l.acquisitions })) },
    facet: { row: { field: 'backing', type: 'nominal', title: null } },
    spec: {
      width: 480,
      height: 160,
      mark: 'bar',
      encoding: {
        x: { field: 'op', type: 'nominal', title: null, axis: { labelAngle: -20, labelLimit: 300 } },
        xOffset: { field: 'design' },
        y: { field: 'locks', type: 'quantitative', title: 'locks / call' },
        color,
      },
    },
  };
  const tpPlot: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Simulated steps per second (all oracles on)',
    data: { values: r.throughput.map((t) => ({ design: t.design, stepsPerSec: t.checkedStepsPerSec })) },
    width: 300,
    height: 160,
    mark: 'bar',
    encoding: { x: { field: 'design', type: 'nominal', axis: { labelAngle: 0 } }, y: { field: 'stepsPerSec', type: 'quantitative', title: 'steps/s' }, color },
  };
  const [m, l, t] = await Promise.all([plotSvg(metaPlot), plotSvg(lockPlot), plotSvg(tpPlot)]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vswap-check compare</title>
<style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#222;max-width:80em}figure{margin:1em 0}
table{border-collapse:collapse;margin:0.6em 0;font-size:0.85em}td,th{border:1px solid #ccc;padding:0.2em 0.6em;vertical-align:top}th{background:#f3f3f3}
code{font-size:0.95em;background:#f6f6f6;padding:0 0.2em}</style>
</head><body>
<h1>vswap-check compare</h1>
<figure>${m}<figcaption>Measured metadata (lines) against the published figures (diamonds), zswap-backed and disk-backed.</figcaption></figure>
<figure>${l}<figcaption>Lock acquisitions per call of each operation, one fixed concurrent workload (a swap-out call is MADV_PAGEOUT of 16 pages, a fork copies 16 pages, a swap-in is one fault, a swapoff is the whole device).</figcaption></figure>
<figure>${t}<figcaption>Throughput of the port per design.</figcaption></figure>
${marked.parse(md.replace(/^# .*\n/, ''), { async: false, gfm: true })}
</body></html>
`;
}
