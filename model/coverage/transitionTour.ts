// A transition tour: for every transition the chart defines, the shortest event sequence from the initial state
// that ends by taking it. Replaying all of them covers the whole chart; a defined transition with no tour entry is
// dead in the chart's design.
import type { TransitionId } from '../chartIds.ts';
import type { ChartInfo } from '../charts.ts';
import { chartBasis } from './chartBasis.ts';
import { chartGraph, chartShortestPaths, serializeBounded } from './chartGraph.ts';

export interface TourLeg {
  readonly transition: TransitionId;
  /** Event types to send from the initial state; the last one takes `transition`. */
  readonly events: readonly string[];
}

export interface TransitionTour {
  readonly legs: readonly TourLeg[];
  /** Defined transitions that no reachable state can take. */
  readonly unreachable: readonly TransitionId[];
}

export function transitionTour(chart: ChartInfo): TransitionTour {
  const graph = chartGraph(chart);
  const pathTo = new Map<string, readonly string[]>();
  for (const path of chartShortestPaths(chart)) {
    // The first step of a path is the initial state reached by the init event, which is not sent.
    pathTo.set(serializeBounded(path.state), path.steps.slice(1).map((s) => s.event.type));
  }
  const legs: TourLeg[] = [];
  const unreachable: TransitionId[] = [];
  for (const { id } of chartBasis(chart.machine).transitions) {
    let best: string[] | undefined;
    for (const edge of graph.edges) {
      if (edge.transition !== id) continue;
      const prefix = pathTo.get(edge.from);
      if (prefix !== undefined && (best === undefined || prefix.length + 1 < best.length)) best = [...prefix, edge.event];
    }
    if (best === undefined) unreachable.push(id);
    else legs.push({ transition: id, events: best });
  }
  return { legs, unreachable };
}
