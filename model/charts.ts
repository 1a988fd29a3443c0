// The two charts of the specification, with what the coverage, graph and drawing code needs to know about each.
import type { AnyStateMachine } from 'xstate';
import { PHYSICAL_EVENT_TYPES, VIRTUAL_EVENT_TYPES } from './events.ts';
import { physicalSlotMachine } from './physicalSlot.ts';
import { virtualSlotMachine } from './virtualSlot.ts';

export interface ChartInfo {
  /** The machine id, which prefixes every state and transition id of the chart. */
  readonly name: string;
  readonly title: string;
  readonly machine: AnyStateMachine;
  /** Every event type the chart may be sent. */
  readonly events: readonly string[];
}

export const VIRTUAL_CHART: ChartInfo = {
  name: virtualSlotMachine.id,
  title: 'swap entry a PTE holds (v6: struct swp_desc; STE: a vswap_si slot; mainline: a physical slot)',
  machine: virtualSlotMachine,
  events: VIRTUAL_EVENT_TYPES,
};

export const PHYSICAL_CHART: ChartInfo = {
  name: physicalSlotMachine.id,
  title: 'physical swap slot (swap device maps, mm/swapfile.c)',
  machine: physicalSlotMachine,
  events: PHYSICAL_EVENT_TYPES,
};

export const CHARTS: readonly ChartInfo[] = [VIRTUAL_CHART, PHYSICAL_CHART];

export function chartByName(name: string): ChartInfo | undefined {
  return CHARTS.find((c) => c.name === name);
}
