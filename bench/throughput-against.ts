// Per-core throughput of two checkouts on the same workloads, alternating, each process warmed up first: the figure
// behind BENCHMARKS.md's "where the per-core figures stand" (issue 12). A checkout is any tree with this repository's
// properties/bench.ts `throughput` (8c8700e on): e.g. `git worktree add /tmp/base 8c8700e` with node_modules linked.
// Prints checked steps/s per design for each checkout and round, and the ratios of the medians. The two checkouts
// must generate the same workloads: it stops when a design's step count differs between them.
// Usage: npx tsx bench/throughput-against.ts BASE_CHECKOUT [rounds=3] [runs=600]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const DESIGNS = ['v6', 'ste', 'mainline'] as const;
type Figures = Record<string, { stepsPerSec: number; steps: number }>;

/** One process: a warm-up of 150 other workloads per design, then `runs` workloads per design (seed 1). */
async function measure(root: string, runs: number): Promise<Figures> {
  const { throughput } = await import(resolve(root, 'properties/bench.ts'));
  for (const d of DESIGNS) throughput(150, 99, d);
  const out: Figures = {};
  for (const d of DESIGNS) {
    const r = throughput(runs, 1, d);
    out[d] = { stepsPerSec: r.checkedStepsPerSec, steps: r.steps };
  }
  return out;
}

function fail(msg: string): never {
  console.error(`throughput-against: ${msg}`);
  process.exit(2);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

if (process.argv[2] === '--child') {
  console.log(JSON.stringify(await measure(process.argv[3]!, Number(process.argv[4]))));
} else {
  const [base, roundsArg = '3', runsArg = '600'] = process.argv.slice(2);
  if (base === undefined) fail('usage: npx tsx bench/throughput-against.ts BASE_CHECKOUT [rounds=3] [runs=600]');
  if (!existsSync(resolve(base, 'properties/bench.ts'))) fail(`${base} has no properties/bench.ts: give a checkout of this repository`);
  const rounds = Number(roundsArg);
  const runs = Number(runsArg);
  if (!Number.isInteger(rounds) || rounds < 1) fail(`rounds must be a whole number >= 1, got '${roundsArg}'`);
  if (!Number.isInteger(runs) || runs < 1) fail(`runs must be a whole number >= 1, got '${runsArg}'`);
  const here = resolve(import.meta.dirname, '..');
  const rates: Record<'base' | 'head', Record<string, number[]>> = { base: {}, head: {} };
  const steps: Record<'base' | 'head', Record<string, number>> = { base: {}, head: {} };
  for (let r = 0; r < rounds; r++) {
    // each checkout goes first in every other round
    const order = r % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const);
    for (const name of order) {
      const root = name === 'base' ? resolve(base) : here;
      const got = JSON.parse(execFileSync(process.execPath, [...process.execArgv, import.meta.filename, '--child', root, String(runs)], { encoding: 'utf8' })) as Figures;
      for (const d of DESIGNS) {
        (rates[name][d] ??= []).push(got[d]!.stepsPerSec);
        steps[name][d] = got[d]!.steps;
      }
      console.log(`round ${r + 1} ${name}: ${DESIGNS.map((d) => `${d} ${Math.round(got[d]!.stepsPerSec)}`).join(', ')} checked steps/s`);
    }
    for (const d of DESIGNS) {
      if (steps.base[d] !== steps.head[d]) fail(`${d}: the checkouts ran different workloads (${steps.base[d]} steps against ${steps.head[d]}): the ratio would mean nothing`);
    }
  }
  console.log(`same workloads: ${DESIGNS.map((d) => `${d} ${steps.head[d]} steps`).join(', ')}`);
  console.log(`head / base (medians): ${DESIGNS.map((d) => `${d} ${(median(rates.head[d]!) / median(rates.base[d]!)).toFixed(2)}x`).join(', ')}`);
}
