// `vswap-check bench`: bug-finding power and speed per fault and strategy, and the cost of checking; prints a
// Markdown report (BENCHMARKS.md is its committed output) or, with --json, one JSON object.
import type { Command } from 'commander';
import { cpus } from 'node:os';
import { FAULTS, type FaultName } from '../impl/kernel/faults.ts';
import { runExploreBench, type ExploreRun } from '../properties/exploreBench.ts';
import { DESIGN_HELP, parseDesigns } from './designs.ts';
import { STRATEGIES, type Strategy } from '../properties/arbitraries.ts';
import { runBench, type DetectionRow, type RaceRow } from '../properties/bench.ts';
import { CliError, action } from './errors.ts';
import { parseFaults } from './faults.ts';
import { checkOutputFile, writeFileAtomic } from './files.ts';
import { collect, intOption, irqCpuOption, workersOption } from './options.ts';

const fmt = (x: number | null, digits = 2): string => (x === null ? '—' : x.toFixed(digits));

function detectionTable(rows: readonly DetectionRow[], seeds: number): string[] {
  const out = [
    '| fault | designs | strategy | expected kind | detected | median s | worst s | median runs | worst runs | shrunk ops (median / max) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    out.push(
      `| ${r.fault} | ${FAULTS[r.fault].designs.join(', ')} | ${r.strategy} | ${r.expected} | ${r.detected}/${seeds} | ${fmt(r.medianSeconds)} | ${fmt(r.worstSeconds)} | ` +
        `${fmt(r.medianExecutions, 0)} | ${fmt(r.worstExecutions, 0)} | ${fmt(r.medianShrunkOps, 0)} / ${fmt(r.maxShrunkOps, 0)} |`,
    );
  }
  return out;
}

/** Baseline (single-threaded, no lock-release invariants) against the full suite, per fault and strategy. */
function baselineTable(full: readonly DetectionRow[], base: readonly DetectionRow[], seeds: number): string[] {
  const out = [
    '| fault | strategy | baseline: detected | median runs | full: detected | median runs | runs, full / baseline |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const f of full) {
    const b = base.find((x) => x.fault === f.fault && x.strategy === f.strategy);
    if (!b) continue;
    const ratio = f.medianExecutions !== null && b.medianExecutions !== null ? (f.medianExecutions / b.medianExecutions).toFixed(2) : '—';
    out.push(
      `| ${f.fault} | ${f.strategy} | ${b.detected}/${seeds} | ${fmt(b.medianExecutions, 0)} | ${f.detected}/${seeds} | ${fmt(f.medianExecutions, 0)} | ${ratio} |`,
    );
  }
  return out;
}

function raceTable(rows: readonly RaceRow[]): string[] {
  const out = ['| seed | steering | executions | pairs on one cluster | pairs on one slot | lock contentions |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    out.push(`| ${r.seed} | ${r.steer ? 'on' : 'off'} | ${r.executions} | ${r.cluster}/${r.pairs} | ${r.slot}/${r.pairs} | ${r.contention} |`);
  }
  return out;
}

function strategyRatios(rows: readonly DetectionRow[], strategies: readonly Strategy[]): string[] {
  const others = strategies.filter((x) => x !== 'random');
  const out = [
    `| fault | random median runs | ${others.map((x) => `${x} median runs | ${x} / random`).join(' | ')} |`,
    `|---|---|${others.map(() => '---|---').join('|')}|`,
  ];
  for (const fault of new Set(rows.map((r) => r.fault))) {
    const rnd = rows.find((r) => r.fault === fault && r.strategy === 'random');
    const cells = others.map((x) => {
      const row = rows.find((r) => r.fault === fault && r.strategy === x);
      const ratio = rnd?.medianExecutions && row?.medianExecutions ? row.medianExecutions / rnd.medianExecutions : null;
      return `${fmt(row?.medianExecutions ?? null, 0)} | ${fmt(ratio)}`;
    });
    out.push(`| ${fault} | ${fmt(rnd?.medianExecutions ?? null, 0)} | ${cells.join(' | ')} |`);
  }
  return out;
}

function parseStrategies(v: string): Strategy[] {
  if (v === 'all') return [...STRATEGIES];
  const names = v.split(',').map((x) => x.trim());
  for (const n of names) if (!(STRATEGIES as readonly string[]).includes(n)) throw new CliError(`--strategy: unknown strategy '${n}' (random, pct, mixed or all)`);
  return names as Strategy[];
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure bug-finding power and speed per fault and strategy, and what checking costs')
    .option('--seeds <n>', 'seeds per fault and strategy', intOption('--seeds', 1, 100), 5)
    .option('--budget <s>', 'search budget per seed, seconds', intOption('--budget', 1, 3600), 30)
    .option('--fault <name>', 'only these faults (repeatable; default all)', collect, [])
    .option('--design <names>', `${DESIGN_HELP}: the faults of these designs, and the throughput of each`, 'all')
    .option('--strategy <names>', 'comma-separated strategies among random, pct, mixed; or all', 'all')
    .option('--shrink-seconds <n>', 'shrink budget per detection', intOption('--shrink-seconds', 1, 600), 10)
    .option('--throughput-runs <n>', 'workloads for the checked-vs-bare throughput figure', intOption('--throughput-runs', 1), 300)
    .option('--baseline', 'also measure detection without threads and lock-release invariants (before/after)')
    .option('--race-seconds <n>', 'seconds of each race-coverage hunt, with and without steering, per seed (0: skip)', intOption('--race-seconds', 0, 3600), 60)
    .addOption(workersOption("for the hunts (the throughput rows are one thread's)"))
    .option('--scaling-runs <n>', 'executions of the clean hunt timed on 1..workers threads (0: skip)', intOption('--scaling-runs', 0), 15000)
    .option('--explore', 'measure explore instead: per fault, the bound it finds the failure at, the fixed code proven clean, what the reduction saves')
    .option('--preemptions <k>', 'with --explore: the preemption bound', intOption('--preemptions', 0, 16), 2)
    .option('--explore-seconds <n>', 'with --explore: budget of each explore run', intOption('--explore-seconds', 1, 3600), 60)
    .addOption(irqCpuOption('with --explore: deliver each interrupt on any CPU that accepts it, or only on the first one'))
    .option('--json', 'print one JSON object')
    .option('--out <file>', 'also write the Markdown report to this file (e.g. BENCHMARKS.md)')
    .action(
      action(async (o: { seeds: number; budget: number; fault: string[]; design: string; strategy: string; throughputRuns: number; shrinkSeconds: number; baseline?: boolean; raceSeconds: number; workers: number; scalingRuns: number; explore?: boolean; preemptions: number; exploreSeconds: number; irqCpu: 'any' | 'first'; json?: boolean; out?: string }) => {
        const faults = parseFaults(o.fault);
        if (o.explore) return exploreBench(o, faults);
        const designs = parseDesigns(o.design);
        const strategies = parseStrategies(o.strategy);
        if (o.out !== undefined) checkOutputFile(o.out, '--out');
        const seeds = Array.from({ length: o.seeds }, (_, i) => 1000 + i);
        const t0 = performance.now();
        const res = await runBench({
          seeds,
          budgetSeconds: o.budget,
          strategies,
          faults,
          throughputRuns: o.throughputRuns,
          shrinkSeconds: o.shrinkSeconds,
          designs,
          baseline: o.baseline ?? false,
          raceSeconds: o.raceSeconds,
          workers: o.workers,
          scalingRuns: o.scalingRuns,
          onRow: (r, config) => {
            if (!o.json) process.stderr.write(`  ${r.fault} (${r.strategy}${config === 'baseline' ? ', baseline' : ''}): ${r.detected}/${seeds.length} detected, median ${fmt(r.medianSeconds)} s\n`);
          },
        });
        const wall = (performance.now() - t0) / 1000;
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ seeds, budgetSeconds: o.budget, ...res, wallSeconds: wall })}\n`);
          return;
        }
        const cmd =
          `npx vswap-check bench --seeds ${o.seeds} --budget ${o.budget} --shrink-seconds ${o.shrinkSeconds} --design ${o.design}` +
          `${o.strategy !== 'all' ? ` --strategy ${o.strategy}` : ''}${o.baseline ? ' --baseline' : ''} --race-seconds ${o.raceSeconds}` +
          ` --workers ${o.workers} --scaling-runs ${o.scalingRuns}${faults.map((f) => ` --fault ${f}`).join('')}`;
        const md = [
          '# vswap-check benchmarks',
          '',
          `Command: \`${cmd}\` (${wall.toFixed(0)} s wall, Node ${process.version}, ${cpus().length} CPUs: ${cpus()[0]?.model ?? '?'}).`,
          `Seeds ${seeds.join(', ')}; search budget ${o.budget} s per seed; designs ${designs.join(', ')}; faults: ${res.detection.length / strategies.length}.`,
          'Times are wall-clock on a shared machine: read the ratios and executions, not the absolute seconds.',
          '',
          '## Detection per fault',
          '',
          ...detectionTable(res.detection, seeds.length),
          '',
          ...(res.baseline.length
            ? [
                '## Before and after: the baseline (single-threaded processes, no lock-release invariants) against the full suite',
                '',
                ...baselineTable(res.detection, res.baseline, seeds.length),
                '',
              ]
            : []),
          ...(res.races.length
            ? [
                `## Race coverage: entry-point pairs a ${o.raceSeconds} s hunt on the correct code reaches, with and without steering`,
                '',
                ...raceTable(res.races),
                '',
              ]
            : []),
          ...(strategies.includes('random') && strategies.length > 1
            ? ['## Strategies against random (median executions to detection; below 1 is better)', '', ...strategyRatios(res.detection, strategies), '']
            : []),
          '## Throughput per design: generated workloads, all oracles on against none (same workloads, same run, after a warm-up on others)',
          '',
          '| design | workloads | steps | checked exec/s | checked steps/s | bare exec/s | bare steps/s | checking cost | of which invariants |',
          '|---|---|---|---|---|---|---|---|---|',
          ...res.throughput.map(
            (t) =>
              `| ${t.design} | ${t.executions} | ${t.steps} | ${t.checkedExecPerSec.toFixed(0)} | ${t.checkedStepsPerSec.toFixed(0)} | ` +
              `${t.bareExecPerSec.toFixed(0)} | ${t.bareStepsPerSec.toFixed(0)} | ${t.checkingCost.toFixed(2)}× | ${t.invariantsCost.toFixed(2)}× |`,
          ),
          '',
          `Peak RSS ${res.peakRssMiB.toFixed(0)} MiB. Designs run different workloads (each its own sample): compare steps/s, not executions/s. ` +
            '"checking cost" is checked time over bare time; "of which invariants" is checked time over checked time without the lock-release invariants (same workloads, same run).',
          '',
          `A bare generator step (the simulator's task switch and nothing else) runs at ${(res.generatorStepsPerSec / 1e6).toFixed(1)} M steps/s on this machine: ` +
            `the checked rates above are ${res.throughput.map((t) => `${t.design} ${((100 * t.checkedStepsPerSec) / res.generatorStepsPerSec).toFixed(2)} %`).join(', ')} of that ceiling.`,
          '',
          ...(res.scaling.length
            ? [
                `## Workers: the same clean hunt (${o.scalingRuns} executions, seed ${seeds[0]}) on 1..${o.workers} worker threads, each pool warmed up`,
                '',
                '| workers | executions | seconds | exec/s | steps/s | speedup over 1 | cores busy |',
                '|---|---|---|---|---|---|---|',
                ...res.scaling.map(
                  (s) => `| ${s.workers} | ${s.executions} | ${s.seconds.toFixed(1)} | ${s.execPerSec.toFixed(0)} | ${s.stepsPerSec.toFixed(0)} | ${s.speedup.toFixed(2)}× | ${s.cores.toFixed(2)} |`,
                ),
                '',
                '"cores busy" is the process\'s CPU time (every thread: workers, main thread, V8\'s compiler and collector threads) over the wall time.',
                '',
              ]
            : []),
          '',
        ].join('\n');
        process.stdout.write(md);
        if (o.out) writeFileAtomic(o.out, md);
      }),
    );
}

/** One explore run's outcome, as a table cell. */
const outcomeCell = (r: ExploreRun | null): string => {
  if (r === null) return '—';
  if (r.status === 'failure') return `${r.failureKind} at ${r.preemptions} preemption${r.preemptions === 1 ? '' : 's'}`;
  if (r.status === 'complete') return `clean, bound ${r.completedBound} complete`;
  return `cut at ${r.seconds.toFixed(0)} s (bound ${r.completedBound} complete)`;
};

/** bench --explore: the explore section of BENCHMARKS.md. */
async function exploreBench(o: { preemptions: number; exploreSeconds: number; irqCpu: 'any' | 'first'; json?: boolean; out?: string }, faults: readonly FaultName[]): Promise<void> {
  if (o.out !== undefined) checkOutputFile(o.out, '--out');
  const t0 = performance.now();
  const seed = 1000;
  const rows = await runExploreBench({
    ...(faults.length ? { faults } : {}),
    preemptions: o.preemptions,
    seconds: o.exploreSeconds,
    irqCpu: o.irqCpu,
    seed,
    onFault: (f) => void (o.json ? 0 : process.stderr.write(`  ${f}\n`)),
  });
  const wall = (performance.now() - t0) / 1000;
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ preemptions: o.preemptions, exploreSeconds: o.exploreSeconds, rows, wallSeconds: wall })}\n`);
    return;
  }
  const K = o.preemptions;
  const cmd = `npx vswap-check bench --explore --preemptions ${K} --explore-seconds ${o.exploreSeconds}${o.irqCpu === 'first' ? ' --irq-cpu first' : ''}${faults.map((f) => ` --fault ${f}`).join('')}`;
  const md = [
    `## Explore: every schedule with <= ${K} preemptions of each fault's workload${o.irqCpu === 'first' ? ', each interrupt on the first CPU that accepts it' : ''}`,
    '',
    `Command: \`${cmd}\` (${wall.toFixed(0)} s wall, Node ${process.version}, ${cpus().length} CPUs: ${cpus()[0]?.model ?? '?'}; one core).`,
    `Workload: the fault's committed regression, or the one a hunt with seed ${seed} shrinks. Each explore run has ${o.exploreSeconds} s. ` +
      '"with the fault": bounds 0, 1, ... explored in turn until a schedule fails; "fixed": every fault off, the bound asked; ' +
      '"runs" counts every run of every bound (complete schedules and runs pruned by the reduction). "with the fault" and "fixed" use bounded DPOR (the default); ' +
      'the last columns explore the fixed code again with sleep sets alone and with no reduction; "runs saved" is what DPOR and sleep sets save against no reduction, where all three complete.',
    '',
    '| fault | workload | steps | CPUs | with the fault | runs | s | fixed | schedules at K | runs | s | fixed, sleep sets | runs | s | fixed, no reduction: runs | s | runs saved: DPOR / sleep |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const none = r.fixedNoReduction;
      const saving = (x: ExploreRun | null): string => (x && none && x.status === 'complete' && none.status === 'complete' ? `${(100 * (1 - x.runs / none.runs)).toFixed(1)} %` : '—');
      return (
        `| ${r.fault} | ${r.source ?? 'not found by the hunt'} | ${r.steps} | ${r.cpus} | ${outcomeCell(r.found)} | ${r.found?.runs ?? '—'} | ${fmt(r.found?.seconds ?? null, 1)} | ` +
        `${outcomeCell(r.fixed)} | ${r.fixed?.schedules ?? '—'} | ${r.fixed?.runs ?? '—'} | ${fmt(r.fixed?.seconds ?? null, 1)} | ` +
        `${outcomeCell(r.fixedSleep)} | ${r.fixedSleep?.runs ?? '—'} | ${fmt(r.fixedSleep?.seconds ?? null, 1)} | ${none?.runs ?? '—'} | ${fmt(none?.seconds ?? null, 1)} | ${saving(r.fixed)} / ${saving(r.fixedSleep)} |`
      );
    }),
    '',
  ].join('\n');
  process.stdout.write(md);
  if (o.out) writeFileAtomic(o.out, md);
}
