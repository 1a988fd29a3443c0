// The coverage report as text: per chart, covered/total states and transitions, then every state and transition
// never reached, by name, so a reader knows exactly which part of the lifecycle no run exercised.
import { splitId } from '../chartIds.ts';
import { CHARTS, type ChartInfo } from '../charts.ts';
import { chartBasis } from './chartBasis.ts';
import { stateHits, transitionHits, type CoverageRecord } from './coverageRecord.ts';

export interface ChartCoverageSummary {
  readonly chart: string;
  readonly states: { readonly covered: number; readonly total: number; readonly unreached: readonly string[] };
  readonly transitions: { readonly covered: number; readonly total: number; readonly unreached: readonly string[] };
}

export function summarizeCoverage(record: CoverageRecord, chart: ChartInfo): ChartCoverageSummary {
  const basis = chartBasis(chart.machine);
  const unreachedStates = basis.states.filter((s) => stateHits(record, s.id) === 0).map((s) => s.id);
  const unreachedTransitions = basis.transitions.filter((t) => transitionHits(record, t.id) === 0).map((t) => t.id);
  return {
    chart: chart.name,
    states: { covered: basis.states.length - unreachedStates.length, total: basis.states.length, unreached: unreachedStates },
    transitions: {
      covered: basis.transitions.length - unreachedTransitions.length,
      total: basis.transitions.length,
      unreached: unreachedTransitions,
    },
  };
}

/** Ids in the record that no chart defines (a record from another version of the charts). */
export function unknownIds(record: CoverageRecord, charts: readonly ChartInfo[] = CHARTS): string[] {
  const known = new Set<string>();
  for (const chart of charts) {
    const basis = chartBasis(chart.machine);
    for (const s of basis.states) known.add(s.id);
    for (const t of basis.transitions) known.add(t.id);
  }
  return [...Object.keys(record.states), ...Object.keys(record.transitions)].filter((id) => !known.has(id));
}

function percent(covered: number, total: number): string {
  return total === 0 ? '100%' : `${Math.floor((covered * 100) / total)}%`;
}

function localName(id: string): string {
  return splitId(id)?.local ?? id;
}

export function coverageText(record: CoverageRecord, charts: readonly ChartInfo[] = CHARTS): string {
  const lines: string[] = [];
  for (const chart of charts) {
    const s = summarizeCoverage(record, chart);
    lines.push(`${chart.name} chart — ${chart.title}`);
    lines.push(`  states      ${s.states.covered}/${s.states.total} (${percent(s.states.covered, s.states.total)})`);
    lines.push(
      `  transitions ${s.transitions.covered}/${s.transitions.total} (${percent(s.transitions.covered, s.transitions.total)})`,
    );
    if (s.states.unreached.length > 0) {
      lines.push('  states never entered:');
      for (const id of s.states.unreached) lines.push(`    ${localName(id)}`);
    }
    if (s.transitions.unreached.length > 0) {
      lines.push('  transitions never taken:');
      for (const id of s.transitions.unreached) lines.push(`    ${localName(id)}`);
    }
  }
  const unknown = unknownIds(record, charts);
  if (unknown.length > 0) {
    lines.push(`ids in the record that the charts do not define (${unknown.length}):`);
    for (const id of unknown) lines.push(`  ${id}`);
  }
  return `${lines.join('\n')}\n`;
}
