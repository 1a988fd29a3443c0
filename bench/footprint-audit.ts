// The footprint audit behind BENCHMARKS.md's explore section: for `count` generated workloads of fast-check seed
// `seed`, swap up to 8 adjacent step pairs the footprints call independent and count the pairs after which some
// context did something else (properties/footprintAudit.ts; tests/properties/footprint.test.ts is the same check as
// a property). With `deliveries`, only pairs with an interrupt's delivery in them (up to 30 a workload).
// Usage: npx tsx bench/footprint-audit.ts [seed=1] [count=200] [deliveries]
import fc from 'fast-check';
import { DEFAULT_BOUNDS, workloadArb } from '../properties/arbitraries.ts';
import { auditSwaps } from '../properties/footprintAudit.ts';

const seed = Number(process.argv[2] ?? 1);
const count = Number(process.argv[3] ?? 200);
const deliveries = process.argv[4] === 'deliveries';
let pairs = 0;
let mismatches = 0;
for (const [n, w] of fc.sample(workloadArb(DEFAULT_BOUNDS), { seed, numRuns: count }).entries()) {
  const r = deliveries ? auditSwaps(w, 30, 0, true) : auditSwaps(w, 8);
  pairs += r.pairs;
  mismatches += r.mismatches.length;
  for (const line of r.mismatches) console.log(`mismatch in workload ${n}: ${line}`);
}
console.log(`seed ${seed}: ${count} workloads, ${pairs} swapped ${deliveries ? 'delivery ' : ''}pairs, ${mismatches} mismatches`);
