// The check that explore's reduction rests on: two adjacent steps the footprints call independent commute. Swap
// them, replay strictly, and every context must take the same steps, with the same notes (slot events, values read
// and written), to the same outcome. Used by tests/properties/footprint.test.ts and bench/footprint-audit.ts.
import { independent, type Footprint, type LogEntry } from '../impl/sim/index.ts';
import { execute, type Execution } from './execute.ts';
import type { Workload } from './workload.ts';

/** What each context did, step by step, and how the run ended: the same for every equivalent schedule. */
export function stepsPerContext(log: readonly LogEntry[], ex: Execution): string[] {
  const per = new Map<string, string[]>();
  for (const l of log) {
    const key = `${l.ctx} ${l.task}`;
    let steps = per.get(key);
    if (steps === undefined) per.set(key, (steps = []));
    steps.push(`${l.what} ${l.notes.join('; ')}`);
  }
  return [...per].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}: ${v.join(' | ')}`).concat(`outcome: ${ex.failure?.kind ?? 'ok'}`);
}

export interface AuditResult {
  /** Pairs swapped and replayed. */
  readonly pairs: number;
  /** One line per pair after which some context did something else: the steps, and the first context that differs. */
  readonly mismatches: readonly string[];
}

/**
 * Runs `w` (fault-free, its own schedule), then swaps up to `maxPairs` adjacent independent step pairs spread over
 * the run, the first at `offset` (mod the spacing), each in a run of its own. With `deliveries`, only pairs in which
 * one step is an interrupt's delivery (a few in a run, so a spread of all pairs seldom picks one).
 */
export function auditSwaps(w: Workload, maxPairs: number, offset = 0, deliveries = false): AuditResult {
  const fps: Footprint[] = [];
  const base = execute(w, { faults: [], keepLog: true, onMachine: (m) => m.recordFootprints(fps) });
  const want = stepsPerContext(base.log, base);
  const candidates: number[] = [];
  const delivery = (i: number): boolean => /^(soft)?irq:/.test(base.schedule[i]!);
  for (let i = 0; i + 1 < fps.length; i++) {
    if (deliveries && !delivery(i) && !delivery(i + 1)) continue;
    if (independent(fps[i]!, fps[i + 1]!)) candidates.push(i);
  }
  const stride = Math.max(1, Math.floor(candidates.length / maxPairs));
  const mismatches: string[] = [];
  let pairs = 0;
  for (let j = candidates.length ? offset % stride : 0; j < candidates.length; j += stride) {
    const i = candidates[j]!;
    const swapped = [...base.schedule];
    [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
    const ex = execute(w, { faults: [], keepLog: true, replay: swapped });
    pairs++;
    const got = stepsPerContext(ex.log, ex);
    const differs = got.findIndex((line, k) => line !== want[k]);
    if (differs >= 0 || got.length !== want.length) {
      const a = base.log[i]!;
      const b = base.log[i + 1]!;
      mismatches.push(`steps ${i} and ${i + 1} (${a.task}: ${a.what} / ${b.task}: ${b.what}): now ${(got[differs] ?? '').slice(0, 300)}, was ${(want[differs] ?? '').slice(0, 300)}`);
    }
  }
  return { pairs, mismatches };
}
