// The coverage basis of a chart: every state node and every transition its definition declares, read from the
// machine itself (the same definition objects the refinement stepper names), in document order.
import { getStateNodes } from '@xstate/graph';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { chartName, nodePath, stateId, transitionId, type StateId, type TransitionId } from '../chartIds.ts';

export interface BasisState {
  readonly id: StateId;
  /** `allocated.backing.zswapped` */
  readonly path: string;
  readonly type: AnyStateNode['type'];
  /** Path of the parent node; '' for the chart's top-level states. */
  readonly parent: string;
}

export interface BasisTransition {
  readonly id: TransitionId;
  readonly source: string;
  readonly event: string;
  /** Target paths; equal to [source] for a transition that stays (DUP, PUT). */
  readonly targets: readonly string[];
  /** Whether the transition carries a guard, i.e. the chart may refuse this event in the source state. */
  readonly guarded: boolean;
}

export interface ChartBasis {
  readonly chart: string;
  readonly states: readonly BasisState[];
  readonly transitions: readonly BasisTransition[];
}

const bases = new WeakMap<AnyStateMachine, ChartBasis>();

export function chartBasis(machine: AnyStateMachine): ChartBasis {
  const known = bases.get(machine);
  if (known !== undefined) return known;
  const nodes = getStateNodes(machine);
  const states: BasisState[] = nodes.map((node) => ({
    id: stateId(machine, node),
    path: nodePath(node),
    type: node.type,
    parent: node.path.slice(0, -1).join('.'),
  }));
  const transitions: BasisTransition[] = [];
  for (const node of nodes) {
    for (const defs of node.transitions.values()) {
      for (const def of defs) {
        transitions.push({
          id: transitionId(machine, def),
          source: nodePath(node),
          event: def.eventType,
          targets: def.target === undefined ? [nodePath(node)] : def.target.map(nodePath),
          guarded: def.guard !== undefined,
        });
      }
    }
  }
  const basis: ChartBasis = { chart: chartName(machine), states, transitions };
  bases.set(machine, basis);
  return basis;
}
