import { describe, expect, it } from 'vitest';
import { chartsDot } from '../../../model/coverage/chartDot.ts';
import { chartSvg } from '../../../model/coverage/chartSvg.ts';
import { coverageFromCounts } from '../../../model/coverage/coverageRecord.ts';
import { coverageHtml } from '../../../model/coverage/htmlReport.ts';
import { CHARTS } from '../../../model/charts.ts';
import { physicalSlotMachine } from '../../../model/physicalSlot.ts';

const record = coverageFromCounts(
  { 'virtual:free': 3, 'virtual:allocated': 3, 'physical:free': 1 },
  { 'virtual:free --ALLOC--> allocated': 3 },
);

describe('chart drawing and HTML report', () => {
  it('draws every chart state as a node or a cluster in DOT', () => {
    const dot = chartsDot(CHARTS);
    expect(dot).toContain('subgraph "cluster_virtual:allocated"');
    expect(dot).toContain('subgraph "cluster_virtual:allocated.backing"');
    for (const name of ['"virtual:free"', '"virtual:allocated.backing.zswapped"', '"physical:bad"']) expect(dot).toContain(name);
    expect(dot).not.toContain('legend');
  });

  it('colours by hit count and marks what was never reached', () => {
    const dot = chartsDot(CHARTS, record);
    expect(dot).toContain('legend');
    expect(dot).toMatch(/"virtual:free" -> "virtual:allocated#anchor" \[lhead="cluster_virtual:allocated" color="#74c476" penwidth=1\.3 label="ALLOC \(3\)"\]/);
    expect(dot).toMatch(/"physical:bad" \[label="bad\\n0 hits" fillcolor="white" color="#d62728"[^\]]*dashed/);
  });

  it('renders one chart to SVG through Graphviz', async () => {
    const svg = await chartSvg(physicalSlotMachine);
    expect(svg).toMatch(/^<\?xml|<svg/);
    expect(svg).toContain('PHYS_ALLOC');
  });

  it('is a self-contained page with the charts as inline SVG', async () => {
    const html = await coverageHtml(record, { subtitle: 'seed 1 <test>' });
    expect(html).toContain('<svg');
    expect(html).toContain('seed 1 &lt;test&gt;');
    expect(html).toContain('<code>allocated --PHYS_FREE--&gt; free</code>');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });
});
