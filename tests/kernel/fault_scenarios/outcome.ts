// What a hand-written fault scenario ended with, judged the way the property suite judges a run: the simulator's
// failure kind, else 'data' (a task saw a wrong value), else the quiescence check ('leak') after the same final
// drain the executor runs (writeback completes, reclaim drops cache-only folios), else 'ok'.
import { inspect } from '../../../impl/world/inspect.ts';
import { op_reclaim } from '../../../impl/world/ops.ts';
import { wait_event, type Task } from '../../../impl/sim/index.ts';
import type { KernelConfig } from '../../../impl/kernel/config.ts';
import type { FaultName } from '../../../impl/kernel/faults.ts';
import { quiescenceProblems } from '../../../properties/oracles/quiescence.ts';
import type { Process, World } from '../../../impl/world/world.ts';
import { harness, type Harness, type HarnessOptions } from '../../world/harness.ts';

export type Scenario = (faults: FaultName[]) => string;

export interface ScenarioRun {
  readonly h: Harness;
  /** Fails the run with kind 'data' when a read returned something else than the last write. */
  expectRead(what: string, got: number, want: number): void;
  /** Runs the tasks plus the final drain; returns the outcome kind. */
  outcome(...tasks: readonly [string, number, () => Task<unknown>][]): string;
}

export function scenario(config: Partial<KernelConfig>, opts: HarnessOptions = {}): ScenarioRun {
  const h = harness(config, opts);
  return {
    h,
    expectRead(what, got, want) {
      if (got !== want) h.m.fail('data', `${what}: read ${got}, last write was ${want}`);
    },
    outcome(...tasks) {
      let live = tasks.length;
      const counted = tasks.map(([name, cpu, body]): [string, number, () => Task<unknown>] => [
        name,
        cpu,
        function* () {
          yield* body();
          live--;
        },
      ]);
      const drain = function* (): Task {
        yield* wait_event(h.m, 'scenario tasks ended', () => live === 0);
        for (let pass = 0; pass < 2; pass++) {
          yield* wait_event(h.m, 'writeback done', () => !h.w.k.folios.some((f) => !f.freed && f.writeback));
          yield* op_reclaim(h.w, Number.MAX_SAFE_INTEGER);
        }
      };
      const res = h.run(['drain', 0, drain], ...counted);
      if (!res.ok) return res.failure.kind;
      return quiescenceProblems(inspect(h.w)).length ? 'leak' : 'ok';
    },
  };
}

/** A one-shot flag tasks wait on, for ordering steps across CPUs. */
export function flag(h: Harness): { set(): void; wait(what: string): Task } {
  let on = false;
  return {
    set: () => void (on = true),
    wait: (what) => wait_event(h.m, what, () => on),
  };
}

/** The common shape: one process P on CPU0 runs `body` on a fresh machine of `config`; the outcome kind. */
export function oneProcess(config: Partial<KernelConfig>, body: (w: World, p: Process, s: ScenarioRun) => Task<unknown>): string {
  const s = scenario(config);
  const w = s.h.w;
  const p = w.createProcess(0);
  return s.outcome(['P', 0, () => body(w, p, s)]);
}
