// The chart's reachable graph, explored with @xstate/graph from the initial state by sending every event in every
// state. The virtual chart's context holds an unbounded counter, so snapshots are told apart by state value and by
// swap_count capped at COUNT_CAP: that keeps the graph finite while still separating "count is 0" (the guards'
// only question) from "count is 1" (one PUT from 0) and "count is 2 or more".
import { getAdjacencyMap, getShortestPaths, type AdjacencyValue, type StatePath } from '@xstate/graph';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { transitionId, type TransitionId } from '../chartIds.ts';
import type { ChartInfo } from '../charts.ts';

export const COUNT_CAP = 2;

export interface GraphEdge {
  readonly from: string;
  readonly event: string;
  readonly to: string;
  readonly transition: TransitionId;
}

export interface ChartGraph {
  /** Serialized snapshot -> one snapshot it stands for. */
  readonly states: ReadonlyMap<string, AnyMachineSnapshot>;
  /** Every accepted (state, event) pair; refused events are not edges. */
  readonly edges: readonly GraphEdge[];
}

export function serializeBounded(snapshot: AnyMachineSnapshot): string {
  const count = (snapshot.context as { swapCount?: unknown } | undefined)?.swapCount;
  const capped = typeof count === 'number' ? `|count=${Math.min(count, COUNT_CAP)}` : '';
  return JSON.stringify(snapshot.value) + capped;
}

function traversalOptions(chart: ChartInfo) {
  return {
    events: chart.events.map((type) => ({ type })) as EventObject[],
    serializeState: (s: AnyMachineSnapshot) => serializeBounded(s),
  };
}

export function chartGraph(chart: ChartInfo): ChartGraph {
  const adjacency = getAdjacencyMap(chart.machine, traversalOptions(chart));
  const states = new Map<string, AnyMachineSnapshot>();
  const edges: GraphEdge[] = [];
  const entries = Object.entries(adjacency) as Array<[string, AdjacencyValue<AnyMachineSnapshot, EventObject>]>;
  for (const [from, { state, transitions }] of entries) {
    states.set(from, state);
    for (const { event, state: next } of Object.values(transitions)) {
      // getAdjacencyMap also lists refused events (as edges back to the same snapshot): keep only accepted ones.
      const def = chart.machine.getTransitionData(state, event)[0];
      if (def === undefined) continue;
      edges.push({ from, event: event.type, to: serializeBounded(next), transition: transitionId(chart.machine, def) });
    }
  }
  return { states, edges };
}

/** Shortest event sequence from the initial state to every reachable (bounded) snapshot. */
export function chartShortestPaths(chart: ChartInfo): Array<StatePath<AnyMachineSnapshot, EventObject>> {
  return getShortestPaths(chart.machine, traversalOptions(chart));
}
