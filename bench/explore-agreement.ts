// The reductions' soundness check behind BENCHMARKS.md: for `count` small generated workloads of fast-check seed
// `seed` (2 processes of up to `ops` ops on up to `cpus` CPUs; each with one fault of its design, or none with
// `fixed`), explore every schedule with at most K preemptions, for K = 0, 1, 2 separately, without reduction, with
// sleep sets and with bounded DPOR, and compare what the runs reached. An outcome is the failure kind (or none),
// every swap slot's sequence of events and which CPU each interrupt ran on: steps that touch a slot are dependent,
// and where an interrupt runs is part of its delivery, so equivalent schedules give the same outcome, and a sound
// reduction reaches every outcome the full search reaches within the same bound. (Two deliberate slips in the DPOR,
// no conservative backtracking point and none at the start of the run, each show up as missing outcomes on seeds 1
// and 2; so does 2998eeb's, which tried an interrupt only on the CPU its first run put it on.)
// Usage: npx tsx bench/explore-agreement.ts [seed=1] [count=30] [cpus=2] [ops=4] [faults|fixed]
import fc from 'fast-check';
import { DEFAULT_BOUNDS, workloadArb } from '../properties/arbitraries.ts';
import { execute } from '../properties/execute.ts';
import { explore, type Reduction } from '../properties/explore.ts';
import { FAULT_NAMES, FAULTS } from '../impl/kernel/faults.ts';
import type { Workload } from '../properties/workload.ts';
import type { FaultName } from '../impl/kernel/faults.ts';

const seed = Number(process.argv[2] ?? 1);
const count = Number(process.argv[3] ?? 30);
const cpus = Number(process.argv[4] ?? 2);
const ops = Number(process.argv[5] ?? 4);
const withFaults = process.argv[6] !== 'fixed';
const MAX_RUNS = 5000;
const arb = workloadArb({ ...DEFAULT_BOUNDS, maxCpus: cpus, maxProcesses: 2, maxOps: ops, maxThreads: 1 });
const REDUCTIONS: readonly Reduction[] = ['none', 'sleep', 'dpor'];

/** Every outcome the runs of one search reach, and the search's result. */
function outcomes(w: Workload, faults: readonly FaultName[], K: number, reduction: Reduction): { reached: Set<string>; runs: number; cut: boolean } {
  const reached = new Set<string>();
  const r = explore(
    (scheduler, onMachine) => {
      const slots = new Map<string, string[]>();
      const ex = execute(w, {
        faults,
        scheduler,
        onMachine,
        onSlotEvent: (e) => {
          const slot = e.space === 'virtual' ? `v${e.slot}` : `p${e.slot.dev}:${e.slot.offset}`;
          const events = slots.get(slot) ?? [];
          events.push(`${JSON.stringify(e.event)}/${e.by}`);
          slots.set(slot, events);
        },
      });
      const perSlot = [...slots].map(([slot, events]) => `${slot}:${events.join(',')}`).sort();
      reached.add(`${ex.failure?.kind ?? 'ok'} ${perSlot.join(';')} | ${handlerCpus(ex.schedule)}`);
      return ex;
    },
    { preemptions: K, iterate: false, stopAtFailure: false, maxSchedules: MAX_RUNS, reduction },
  );
  return { reached, runs: r.runs, cut: r.status === 'cut' };
}

/** Which CPU each interrupt ran on (its runnable id without its sequence number), sorted: an order-free outcome. */
function handlerCpus(schedule: readonly string[]): string {
  const out: string[] = [];
  let last = '';
  for (const id of schedule) {
    if ((id.startsWith('irq:') || id.startsWith('softirq:')) && id !== last) out.push(id.replace(/#\d+@/, '@'));
    last = id;
  }
  return out.sort().join(',');
}

let compared = 0;
let several = 0;
let missing = 0;
let cut = 0;
const runs: Record<Reduction, number> = { none: 0, sleep: 0, dpor: 0 };
for (const [i, w] of fc.sample(arb, { seed, numRuns: count }).entries()) {
  const mine = FAULT_NAMES.filter((f) => FAULTS[f].designs.includes(w.config.design));
  const faults = withFaults ? mine.slice(i % mine.length, (i % mine.length) + 1) : [];
  for (let K = 0; K <= 2; K++) {
    const res = REDUCTIONS.map((r) => outcomes(w, faults, K, r));
    if (res.some((r) => r.cut)) {
      cut++;
      continue;
    }
    compared++;
    REDUCTIONS.forEach((r, j) => (runs[r] += res[j]!.runs));
    const full = res[0]!.reached;
    if (full.size > 1) several++;
    for (const [j, r] of REDUCTIONS.entries()) {
      const lost = [...full].filter((o) => !res[j]!.reached.has(o)).length;
      if (lost > 0) {
        missing++;
        console.log(`workload ${i}, K = ${K}, faults ${faults.join(',') || 'none'}: ${r} misses ${lost} of ${full.size} outcomes`);
      }
    }
  }
}
console.log(
  `seed ${seed}, ${cpus} CPUs, ${ops} ops, ${withFaults ? 'one fault each' : 'fixed'}: ${compared} searches compared (${several} with more than one outcome), ` +
    `${missing} missing an outcome, ${cut} cut at ${MAX_RUNS} runs; runs ${REDUCTIONS.map((r) => `${r} ${runs[r]}`).join(', ')}`,
);
