// Drawing the charts: DOT laid out by Graphviz (compiled to WebAssembly in @viz-js/viz) into SVG.
import { instance } from '@viz-js/viz';
import type { AnyStateMachine } from 'xstate';
import { CHARTS, chartByName, type ChartInfo } from '../charts.ts';
import { chartsDot } from './chartDot.ts';
import type { CoverageRecord } from './coverageRecord.ts';

// The WebAssembly module is compiled once per process.
let viz: ReturnType<typeof instance> | undefined;

export async function renderDotToSvg(dot: string): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    const messages = result.errors.map((e) => e.message).join('; ');
    throw new Error(`graphviz could not lay out the chart: ${messages}`);
  }
  return result.output;
}

function infoFor(machine: AnyStateMachine): ChartInfo {
  return chartByName(machine.id) ?? { name: machine.id, title: machine.id, machine, events: [] };
}

/** One chart as SVG, coloured by hit count when a coverage record is given. */
export async function chartSvg(machine: AnyStateMachine, coverage?: CoverageRecord): Promise<string> {
  return renderDotToSvg(chartsDot([infoFor(machine)], coverage));
}

/** Every chart of the specification in one SVG. */
export async function chartsSvg(coverage?: CoverageRecord, charts: readonly ChartInfo[] = CHARTS): Promise<string> {
  return renderDotToSvg(chartsDot(charts, coverage));
}
