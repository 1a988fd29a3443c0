// The reduction's verdict check behind BENCHMARKS.md: for `count` small generated workloads (2 CPUs, 2 processes of
// up to 4 ops) of fast-check seed `seed`, each with one fault of its design, explore every schedule with at most one
// preemption with and without the sleep sets, and count the workloads where they disagree on whether any schedule
// fails. Usage: npx tsx bench/explore-agreement.ts [seed=1] [count=40]
import fc from 'fast-check';
import { DEFAULT_BOUNDS, workloadArb } from '../properties/arbitraries.ts';
import { exploreWorkload } from '../properties/explore.ts';
import { FAULT_NAMES, FAULTS } from '../impl/kernel/faults.ts';

const seed = Number(process.argv[2] ?? 1);
const count = Number(process.argv[3] ?? 40);
const arb = workloadArb({ ...DEFAULT_BOUNDS, maxCpus: 2, maxProcesses: 2, maxOps: 4, maxThreads: 1 });
let agree = 0;
let disagree = 0;
let failing = 0;
let cut = 0;
let runsReduced = 0;
let runsFull = 0;
for (const [i, w] of fc.sample(arb, { seed, numRuns: count }).entries()) {
  const mine = FAULT_NAMES.filter((f) => FAULTS[f].designs.includes(w.config.design));
  const faults = mine.slice(i % 7, (i % 7) + 1);
  const opts = { faults, preemptions: 1, maxSchedules: 3000, iterate: false, stopAtFailure: false };
  const r = exploreWorkload(w, { ...opts, reduction: true });
  const f = exploreWorkload(w, { ...opts, reduction: false });
  if (r.status === 'cut' || f.status === 'cut') {
    cut++;
    continue;
  }
  runsReduced += r.runs;
  runsFull += f.runs;
  if ((r.first === null) !== (f.first === null)) {
    disagree++;
    console.log(`disagree: workload ${i}, faults ${faults.join(',')}: reduced ${r.first?.failure.kind ?? 'clean'}, full ${f.first?.failure.kind ?? 'clean'}`);
  } else agree++;
  if (f.first !== null) failing++;
}
console.log(`seed ${seed}: ${agree} agree, ${disagree} disagree (${failing} with a failing schedule), ${cut} cut at 3000 runs; runs ${runsReduced} reduced, ${runsFull} without`);
