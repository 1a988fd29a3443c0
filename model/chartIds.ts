// Stable names for the charts' parts: the string ids that coverage records, reports and traces use.
// A state id is `chart:path.of.node`; a transition id is `chart:source --EVENT--> target` (target = source for a
// targetless transition such as DUP, which stays where it is).
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

type Brand<T, Tag extends string> = T & { readonly __brand: Tag };
export type StateId = Brand<string, 'StateId'>;
export type TransitionId = Brand<string, 'TransitionId'>;

/** The chart's name, which prefixes all of its ids: the machine id ('virtual' or 'physical'). */
export function chartName(machine: AnyStateMachine): string {
  return machine.id;
}

export function nodePath(node: AnyStateNode): string {
  return node.path.join('.');
}

export function stateId(machine: AnyStateMachine, node: AnyStateNode): StateId {
  return `${chartName(machine)}:${nodePath(node)}` as StateId;
}

// Transition definitions are created once per machine, so their ids are computed once and cached.
const transitionIds = new WeakMap<object, TransitionId>();

export function transitionId(machine: AnyStateMachine, def: AnyTransitionDefinition): TransitionId {
  const cached = transitionIds.get(def);
  if (cached !== undefined) return cached;
  const source = nodePath(def.source);
  const targets = def.target === undefined ? source : def.target.map(nodePath).join(',');
  const id = `${chartName(machine)}:${source} --${def.eventType}--> ${targets}` as TransitionId;
  transitionIds.set(def, id);
  return id;
}

/** Splits an id into its chart and the rest; undefined when the id has no `chart:` prefix. */
export function splitId(id: string): { chart: string; local: string } | undefined {
  const colon = id.indexOf(':');
  if (colon <= 0) return undefined;
  return { chart: id.slice(0, colon), local: id.slice(colon + 1) };
}
