// The refinement stepper: advances ONE slot's chart by one implementation event, purely (xstate's `transition`),
// and says which defined transition was taken, or why the chart refuses the event. The property oracle runs it on
// every event the implementation emits. xstate's pure `transition` costs tens of microseconds, so results are
// memoized per (snapshot, event type): snapshots are immutable and a step's result depends on nothing else. Result
// snapshots are interned by state value and context, so a slot that comes back to a state it was in before (or that
// another slot is in) finds the same object, and the cache, again.
import { transition, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { stateId, transitionId, type StateId, type TransitionId } from './chartIds.ts';
import type { PhysicalSlotEvent, VirtualSlotEvent } from './events.ts';
import { formatPhysicalState, formatVirtualState } from './format.ts';
import { physicalSlotMachine } from './physicalSlot.ts';
import type { PhysicalSnapshot, VirtualSnapshot } from './snapshots.ts';
import { virtualSlotMachine } from './virtualSlot.ts';

export { initialPhysical, initialVirtual } from './snapshots.ts';

export type StepResult<S> =
  | {
      readonly ok: true;
      readonly snapshot: S;
      readonly transition: TransitionId;
      /** States that became active with this step (for state coverage). */
      readonly entered: readonly StateId[];
    }
  | { readonly ok: false; readonly reason: string };

/** Upper bound on memoized results, so that an unbounded swap_count cannot grow the cache without limit. */
export const STEP_MEMO_LIMIT = 100_000;
const memo = new WeakMap<AnyMachineSnapshot, Map<string, StepResult<AnyMachineSnapshot>>>();
const interned = new Map<string, AnyMachineSnapshot>();
let memoized = 0;

function intern<S extends AnyMachineSnapshot>(machine: AnyStateMachine, snapshot: S): S {
  const key = `${machine.id}|${JSON.stringify(snapshot.value)}|${JSON.stringify(snapshot.context)}`;
  const known = interned.get(key);
  if (known !== undefined) return known as S;
  if (interned.size < STEP_MEMO_LIMIT) interned.set(key, snapshot);
  return snapshot;
}

function step<S extends AnyMachineSnapshot>(
  machine: AnyStateMachine,
  snapshot: S,
  event: { readonly type: string },
  describe: (s: S) => string,
): StepResult<S> {
  let known = memo.get(snapshot);
  const hit = known?.get(event.type);
  if (hit !== undefined) return hit as StepResult<S>;
  const result = computeStep(machine, snapshot, event, describe);
  if (memoized < STEP_MEMO_LIMIT) {
    if (known === undefined) memo.set(snapshot, (known = new Map()));
    known.set(event.type, result);
    memoized += 1;
  }
  return result;
}

function computeStep<S extends AnyMachineSnapshot>(
  machine: AnyStateMachine,
  snapshot: S,
  event: { readonly type: string },
  describe: (s: S) => string,
): StepResult<S> {
  const enabled = machine.getTransitionData(snapshot, event);
  const def = enabled[0];
  if (def === undefined) {
    return { ok: false, reason: `chart refuses ${event.type} in ${describe(snapshot)}` };
  }
  // Each chart is built so that one event enables at most one transition; two would make the id ambiguous.
  if (enabled.length > 1) {
    throw new Error(`chart ${machine.id} enables ${enabled.length} transitions on ${event.type}: ambiguous chart`);
  }
  const [next] = transition(machine, snapshot, event) as [S, unknown];
  // An internal step that changes nothing (LOAD) returns the very same snapshot: keep it as is.
  const canonical = next === snapshot ? next : intern(machine, next);
  return {
    ok: true,
    snapshot: canonical,
    transition: transitionId(machine, def),
    entered: enteredStates(machine, snapshot, canonical),
  };
}

function enteredStates(machine: AnyStateMachine, before: AnyMachineSnapshot, after: AnyMachineSnapshot): StateId[] {
  if (before._nodes === after._nodes) return [];
  const was = new Set<AnyStateNode>(before._nodes);
  const entered: StateId[] = [];
  for (const node of after._nodes) {
    if (!was.has(node) && node.path.length > 0) entered.push(stateId(machine, node));
  }
  return entered;
}

/** One virtual-slot event: accepted (with the transition taken) or refused (snapshot unchanged). */
export function stepVirtual(snapshot: VirtualSnapshot, event: VirtualSlotEvent): StepResult<VirtualSnapshot> {
  return step(virtualSlotMachine, snapshot, event, formatVirtualState);
}

/** One physical-slot event: accepted (with the transition taken) or refused (snapshot unchanged). */
export function stepPhysical(snapshot: PhysicalSnapshot, event: PhysicalSlotEvent): StepResult<PhysicalSnapshot> {
  return step(physicalSlotMachine, snapshot, event, formatPhysicalState);
}

/** States active in a snapshot, for recording the initial state's coverage. */
export function activeStates(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): StateId[] {
  return snapshot._nodes.filter((n: AnyStateNode) => n.path.length > 0).map((n: AnyStateNode) => stateId(machine, n));
}
