// Per-core throughput of two checkouts on the same workloads, alternating, each process warmed up first: the figure
// behind BENCHMARKS.md's "where the per-core figures stand" (issue 12). A checkout is any tree with this repository's
// properties/bench.ts `throughput` (8c8700e on): e.g. `git worktree add /tmp/base 8c8700e` with node_modules linked.
// Prints checked steps/s per design for each checkout and round, and the ratios of the medians.
// Usage: npx tsx bench/throughput-against.ts BASE_CHECKOUT [rounds=3] [runs=600]
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const DESIGNS = ['v6', 'ste', 'mainline'] as const;

/** One process: a warm-up of 150 other workloads per design, then `runs` workloads per design (seed 1). */
async function measure(root: string, runs: number): Promise<Record<string, number>> {
  const { throughput } = await import(resolve(root, 'properties/bench.ts'));
  for (const d of DESIGNS) throughput(150, 99, d);
  const out: Record<string, number> = {};
  for (const d of DESIGNS) out[d] = throughput(runs, 1, d).checkedStepsPerSec;
  return out;
}

if (process.argv[2] === '--child') {
  console.log(JSON.stringify(await measure(process.argv[3]!, Number(process.argv[4]))));
} else {
  const base = process.argv[2];
  if (base === undefined) {
    console.error('usage: npx tsx bench/throughput-against.ts BASE_CHECKOUT [rounds=3] [runs=600]');
    process.exit(2);
  }
  const rounds = Number(process.argv[3] ?? 3);
  const runs = Number(process.argv[4] ?? 600);
  const here = resolve(import.meta.dirname, '..');
  const rows: Record<string, Record<string, number[]>> = { base: {}, head: {} };
  for (let r = 0; r < rounds; r++) {
    for (const [name, root] of [['base', resolve(base)], ['head', here]] as const) {
      const got = JSON.parse(execFileSync(process.execPath, [...process.execArgv, import.meta.filename, '--child', root, String(runs)], { encoding: 'utf8' })) as Record<string, number>;
      for (const d of DESIGNS) (rows[name]![d] ??= []).push(got[d]!);
      console.log(`round ${r + 1} ${name}: ${DESIGNS.map((d) => `${d} ${Math.round(got[d]!)}`).join(', ')} checked steps/s`);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`head / base (medians): ${DESIGNS.map((d) => `${d} ${(median(rows.head![d]!) / median(rows.base![d]!)).toFixed(2)}x`).join(', ')}`);
}
