// explore's reduction is sound only if steps the footprints call independent really commute: the data-race-freedom
// convention of impl/sim/footprint.ts (shared state is touched under a held lock, at a point of its own, or through
// an accessor that names it). This checks the convention on generated workloads: swap two adjacent steps the
// footprints call independent, replay strictly, and every context must take the same steps with the same notes
// (slot events, values read and written) to the same outcome. It found the gaps the port had (a folio's refcount
// and flags, memcg counters, the mm list and the LRU removal of a freed folio, all changed under different locks).
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { independent, type Footprint, type LogEntry } from '../../impl/sim/index.ts';
import { DEFAULT_BOUNDS, workloadArb } from '../../properties/arbitraries.ts';
import { execute, type Execution } from '../../properties/execute.ts';
import { RUNS } from './budget.ts';

/** What each context did, step by step, and how the run ended: the same for every equivalent schedule. */
function perContext(log: readonly LogEntry[], ex: Execution): string[] {
  const per = new Map<string, string[]>();
  for (const l of log) {
    const key = `${l.ctx} ${l.task}`;
    let steps = per.get(key);
    if (steps === undefined) per.set(key, (steps = []));
    steps.push(`${l.what} ${l.notes.join('; ')}`);
  }
  return [...per].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}: ${v.join(' | ')}`).concat(`outcome: ${ex.failure?.kind ?? 'ok'}`);
}

describe('step footprints', () => {
  test.prop([workloadArb(DEFAULT_BOUNDS), fc.nat()], { numRuns: Math.max(10, Math.ceil(RUNS / 4)) })(
    'two adjacent steps called independent commute: swapped, every context does the same',
    (w, pick) => {
      const fps: Footprint[] = [];
      const base = execute(w, {
        faults: [],
        keepLog: true,
        onMachine: (m) => m.recordFootprints(fps),
      });
      const pairs: number[] = [];
      for (let i = 0; i + 1 < fps.length; i++) if (independent(fps[i]!, fps[i + 1]!)) pairs.push(i);
      // up to 24 pairs spread over the run, starting at a generated offset
      const stride = Math.max(1, Math.floor(pairs.length / 24));
      for (let j = pairs.length ? pick % stride : 0; j < pairs.length; j += stride) {
        const i = pairs[j]!;
        const swapped = [...base.schedule];
        [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
        const ex = execute(w, { faults: [], keepLog: true, replay: swapped });
        const what = `steps ${i} and ${i + 1} (${base.log[i]!.task}: ${base.log[i]!.what} / ${base.log[i + 1]!.task}: ${base.log[i + 1]!.what})`;
        expect(perContext(ex.log, ex), what).toEqual(perContext(base.log, base));
      }
    },
  );
});
