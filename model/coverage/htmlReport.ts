// The coverage report as one self-contained HTML page: a summary per chart, the charts drawn by Graphviz and
// coloured by hit count, and the lists of what was never reached. No external scripts, fonts or styles.
import { splitId } from '../chartIds.ts';
import { CHARTS, type ChartInfo } from '../charts.ts';
import { chartsSvg } from './chartSvg.ts';
import type { CoverageRecord } from './coverageRecord.ts';
import { summarizeCoverage, unknownIds } from './textReport.ts';
import { RACE_CSS, escapeHtml, raceHtml } from './raceReport.ts';


function list(title: string, ids: readonly string[]): string {
  if (ids.length === 0) return '';
  const items = ids.map((id) => `<li><code>${escapeHtml(splitId(id)?.local ?? id)}</code></li>`).join('');
  return `<h3>${escapeHtml(title)}</h3><ul class="unreached">${items}</ul>`;
}

function chartSection(record: CoverageRecord, chart: ChartInfo): string {
  const s = summarizeCoverage(record, chart);
  return [
    `<section><h2>${escapeHtml(chart.name)} chart <small>${escapeHtml(chart.title)}</small></h2>`,
    '<table><tr><th></th><th>covered</th><th>total</th></tr>',
    `<tr><td>states</td><td>${s.states.covered}</td><td>${s.states.total}</td></tr>`,
    `<tr><td>transitions</td><td>${s.transitions.covered}</td><td>${s.transitions.total}</td></tr></table>`,
    list('states never entered', s.states.unreached),
    list('transitions never taken', s.transitions.unreached),
    '</section>',
  ].join('\n');
}

export interface HtmlReportOptions {
  readonly title?: string;
  /** A line about where the record came from (seed, runs, budget), shown under the title. */
  readonly subtitle?: string;
  readonly charts?: readonly ChartInfo[];
  /** The implementation's entry points, for the race-coverage matrix (shown when the record has race counts). */
  readonly raceEntries?: readonly string[];
}

export async function coverageHtml(record: CoverageRecord, options: HtmlReportOptions = {}): Promise<string> {
  const charts = options.charts ?? CHARTS;
  const title = options.title ?? 'vswap-check: statechart coverage';
  const svg = await chartsSvg(record, charts);
  const unknown = unknownIds(record, charts);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; }
h2 small { font-weight: normal; color: #666; font-size: 0.7em; }
table { border-collapse: collapse; margin: 0.5em 0; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.8em; text-align: right; }
td:first-child { text-align: left; }
ul.unreached code { color: #d62728; }
.drawing svg { max-width: 100%; height: auto; }
${RACE_CSS}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${options.subtitle === undefined ? '' : `<p>${escapeHtml(options.subtitle)}</p>`}
${charts.map((c) => chartSection(record, c)).join('\n')}
${unknown.length === 0 ? '' : list('ids in the record that the charts do not define', unknown)}
<div class="drawing">
${svg}
</div>
${options.raceEntries ? raceHtml(record.races, options.raceEntries) : ''}
</body>
</html>
`;
}
