// The mutable side of coverage: the refinement oracle feeds it every accepted step, then takes a record.
// Counting goes into Maps (cheap on the hot path); the immutable, sorted record is built only on demand.
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { StateId, TransitionId } from '../chartIds.ts';
import { activeStates, type StepResult } from '../refine.ts';
import { coverageFromCounts, type CoverageRecord } from './coverageRecord.ts';

export class CoverageRecorder {
  private readonly states = new Map<string, number>();
  private readonly transitions = new Map<string, number>();

  /** One transition taken (the id's `chart:` prefix names the chart). */
  record(transition: TransitionId): void {
    this.transitions.set(transition, (this.transitions.get(transition) ?? 0) + 1);
  }

  enter(states: readonly StateId[]): void {
    for (const id of states) this.states.set(id, (this.states.get(id) ?? 0) + 1);
  }

  /** A slot's chart came into being in its initial state (counts the initial states as entered). */
  recordInitial(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): void {
    this.enter(activeStates(machine, snapshot));
  }

  /** An accepted refinement step: its transition and the states it entered. Refused steps count nothing. */
  recordStep(result: StepResult<unknown>): void {
    if (!result.ok) return;
    this.record(result.transition);
    this.enter(result.entered);
  }

  toRecord(): CoverageRecord {
    return coverageFromCounts(Object.fromEntries(this.states), Object.fromEntries(this.transitions));
  }
}
