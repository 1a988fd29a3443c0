// The footprint audit behind BENCHMARKS.md's explore section: for `count` generated workloads of fast-check seed
// `seed`, swap up to 8 adjacent step pairs the footprints call independent (spread over the run), replay strictly,
// and count the pairs after which some context did something else (tests/properties/footprint.test.ts is the same
// check as a property). Usage: npx tsx bench/footprint-audit.ts [seed=1] [count=200]
import fc from 'fast-check';
import { DEFAULT_BOUNDS, workloadArb } from '../properties/arbitraries.ts';
import { execute, type Execution } from '../properties/execute.ts';
import { independent, type Footprint } from '../impl/sim/index.ts';

function perContext(ex: Execution): string {
  const per = new Map<string, string[]>();
  for (const l of ex.log) {
    const k = `${l.ctx} ${l.task}`;
    let a = per.get(k);
    if (!a) per.set(k, (a = []));
    a.push(`${l.what} ${l.notes.join('; ')}`);
  }
  return JSON.stringify([...per].sort(([a], [b]) => (a < b ? -1 : 1)).concat([['outcome', [ex.failure?.kind ?? 'ok']]]));
}

const seed = Number(process.argv[2] ?? 1);
const count = Number(process.argv[3] ?? 200);
let pairs = 0;
let mismatches = 0;
for (const w of fc.sample(workloadArb(DEFAULT_BOUNDS), { seed, numRuns: count })) {
  const fps: Footprint[] = [];
  const base = execute(w, { faults: [], keepLog: true, onMachine: (m) => m.recordFootprints(fps) });
  const cand: number[] = [];
  for (let i = 0; i + 1 < fps.length; i++) if (independent(fps[i]!, fps[i + 1]!)) cand.push(i);
  const stride = Math.max(1, Math.floor(cand.length / 8));
  for (let j = 0; j < cand.length; j += stride) {
    const i = cand[j]!;
    const swapped = [...base.schedule];
    [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
    const ex = execute(w, { faults: [], keepLog: true, replay: swapped });
    pairs++;
    if (perContext(ex) !== perContext(base)) {
      mismatches++;
      console.log(`mismatch: workload ${seed}/${pairs}, steps ${i} and ${i + 1}: ${base.log[i]!.task}: ${base.log[i]!.what} / ${base.log[i + 1]!.task}: ${base.log[i + 1]!.what}`);
    }
  }
}
console.log(`seed ${seed}: ${count} workloads, ${pairs} swapped pairs, ${mismatches} mismatches`);
