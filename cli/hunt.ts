// `vswap-check hunt`: a randomized campaign with a progress bar; on failure shrink, save the trace, print the exact
// replay command and exit 1; always write coverage.json and coverage.html to the output directory.
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { join } from 'node:path';
import { coverageToJSON } from '../model/coverage/coverageJson.ts';
import { coverageText, summarizeCoverage } from '../model/coverage/textReport.ts';
import { coverageHtml } from '../model/coverage/htmlReport.ts';
import { raceText, summarizeRaces } from '../model/coverage/raceReport.ts';
import { ENTRY_POINTS } from '../impl/world/ops.ts';
import { CHARTS } from '../model/charts.ts';
import { STRATEGIES, type Strategy } from '../properties/arbitraries.ts';
import { hunt, type HuntProgress } from '../properties/hunt.ts';
import { describeWorkload, workloadSize, type Workload } from '../properties/workload.ts';
import { exploreWorkloadAsync } from '../properties/explore.ts';
import type { FaultName } from '../impl/kernel/faults.ts';
import { makeTrace, saveTrace } from '../traces/save.ts';
import { CliError, action } from './errors.ts';
import { parseFaults } from './faults.ts';
import { displayPath, ensureDir, checkOutputFile, writeFileAtomic } from './files.ts';
import { collect, intOption, workersOption } from './options.ts';
import { DESIGN_HELP, designsForFaults, parseDesigns } from './designs.ts';
import { SUMMARY_FORMAT, type HuntSummary } from './summary.ts';

interface HuntCliOptions {
  design: string;
  seconds: number;
  runs?: number;
  seed?: number;
  cpus?: number;
  strategy: string;
  fault: string[];
  json?: boolean;
  out: string;
  lockdep: boolean;
  steer?: boolean;
  shrinkSeconds: number;
  workers: number;
  shard?: { index: number; count: number };
  thenExplore?: number;
  exploreSeconds: number;
}

/** `--shard i/n`: the i-th (1-based) of n slices. */
export function shardOption(value: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(n) || n < 1 || n > 10_000 || i < 1 || i > n) {
    throw new CliError(`--shard must be i/n with 1 <= i <= n <= 10000 (e.g. 2/4 for the second of four CI jobs), got '${value}'`);
  }
  return { index: i - 1, count: n };
}

export function registerHunt(program: Command): void {
  program
    .command('hunt')
    .description('hunt for bugs: random concurrent workloads and schedules, checked against the statecharts')
    .option('--seconds <n>', 'time budget of the search', intOption('--seconds', 1, 86_400), 60)
    .option('--runs <n>', 'stop after this many executions', intOption('--runs', 1))
    .option('--seed <s>', 'fast-check seed (default: random, printed first)', intOption('--seed', -(2 ** 31), 2 ** 31 - 1))
    .option('--cpus <k>', 'simulated CPUs (default: 2 to 4, generated)', intOption('--cpus', 1, 8))
    .option('--strategy <name>', 'scheduling strategy: random (shrinkable choices) | pct | mixed (either, per run)', 'mixed')
    .option('--design <names>', `${DESIGN_HELP}; all draws one per execution`, 'all')
    .option('--fault <name>', 'switch a fault on (repeatable; see vswap-check faults)', collect, [])
    .option('--no-lockdep', 'turn potential-deadlock (lockdep) checking off')
    .option('--steer', 'steer the op mix towards unseen race coverage (profiles picked by a bandit; see BENCHMARKS.md)')
    .option('--shrink-seconds <n>', 'time budget of the shrink', intOption('--shrink-seconds', 1, 86_400), 60)
    .addOption(workersOption('running the executions'))
    .option('--shard <i/n>', 'run only the i-th of n disjoint slices of the executions (a CI matrix job; merge the outputs with vswap-check merge)', shardOption)
    .option('--then-explore <k>', 'after a failure is shrunk, run every schedule of its workload with at most k preemptions and count the failing ones (see vswap-check explore)', intOption('--then-explore', 0, 16))
    .option('--explore-seconds <n>', 'time budget of --then-explore', intOption('--explore-seconds', 1, 86_400), 60)
    .option('--json', 'print one JSON summary object instead of text')
    .option('--out <dir>', 'where coverage.json, coverage.html and failure traces go', 'hunt-out')
    .action(action(runHuntCommand));
}

async function runHuntCommand(o: HuntCliOptions): Promise<number> {
  if (!(STRATEGIES as readonly string[]).includes(o.strategy)) throw new CliError(`--strategy must be random, pct or mixed, got '${o.strategy}'`);
  const faults = parseFaults(o.fault);
  const designs = designsForFaults(parseDesigns(o.design), faults);
  // refuse an unusable output directory before the search, not after it
  ensureDir(o.out);
  for (const f of ['coverage.json', 'coverage.html', 'summary.json']) checkOutputFile(join(o.out, f));

  const seed = o.seed ?? (Math.random() * 2 ** 31) | 0;
  // Ctrl-C: the first stops the hunt (search or shrink) and saves what it has; a second quits at once
  // (installed before anything is printed; `bar` is set once the progress bar exists)
  const stop = new AbortController();
  let bar: SingleBar | null = null;
  const onSigint = (): void => {
    bar?.stop(); // shows the cursor again and turns line wrap back on
    if (stop.signal.aborted) {
      process.stderr.write('vswap-check: interrupted again: quitting now\n');
      process.exit(130);
    }
    stop.abort();
    process.stderr.write('\nvswap-check: interrupted: saving the coverage and any failure found so far (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  const say = (s: string): void => {
    if (!o.json) process.stdout.write(`${s}\n`);
  };
  say(
    `seed ${seed}, design ${designs.join(',')}${faults.length ? `, faults: ${faults.join(', ')}` : ''}, strategy ${o.strategy}, ` +
      `budget ${o.runs ? `${o.runs} runs / ` : ''}${o.seconds}s, ${o.workers} worker${o.workers > 1 ? 's' : ''}` +
      (o.shard ? `, shard ${o.shard.index + 1}/${o.shard.count}` : '') +
      // the time budget ends the search after however many executions this machine manages in it
      (o.runs ? '' : ' (repeatable only with --runs: with a time budget alone, the executions depend on the machine speed)'),
  );

  const tty = !o.json && process.stderr.isTTY;
  bar = tty
    ? new SingleBar(
        { format: ` {phase} |{bar}| {percentage}% {executions} runs ({designs}) on ${o.workers} worker${o.workers > 1 ? 's' : ''}, {failures} failing, {sps} steps/s`, hideCursor: true, etaBuffer: 50 },
        Presets.shades_classic,
      )
    : null;
  const budgetMs = o.seconds * 1000;
  const perDesign = (c: Record<string, number>): string => designs.map((d) => `${d} ${c[d] ?? 0}`).join(', ');
  bar?.start(100, 0, { phase: 'search', executions: 0, failures: 0, sps: 0, designs: perDesign({}) });
  let last = 0;
  let shrinking = false;
  const onProgress = (p: HuntProgress): void => {
    if (p.phase === 'shrink' && !shrinking) {
      shrinking = true;
      if (!bar) say(`found a failure after ${p.executions} executions; shrinking it (up to ${o.shrinkSeconds}s; Ctrl-C stops the shrink and saves the trace)`);
    }
    if (!bar || p.elapsedMs - last < 100) return;
    last = p.elapsedMs;
    const frac = o.runs ? Math.max(p.executions / o.runs, p.elapsedMs / budgetMs) : p.elapsedMs / budgetMs;
    bar.update(p.phase === 'shrink' ? 100 : Math.min(99, Math.floor(frac * 100)), {
      phase: p.phase,
      executions: p.executions,
      failures: p.failures,
      sps: Math.round((p.steps * 1000) / Math.max(1, p.elapsedMs)),
      designs: perDesign(p.perDesign),
    });
  };
  let result;
  try {
    result = await hunt(
      {
        seed,
        seconds: o.seconds,
        runs: o.runs,
        cpus: o.cpus,
        strategy: o.strategy as Strategy,
        faults,
        designs,
        lockdep: o.lockdep,
        steer: o.steer ?? false,
        shrinkSeconds: o.shrinkSeconds,
        signal: stop.signal,
        workers: o.workers,
        ...(o.shard ? { shard: o.shard } : {}),
      },
      onProgress,
    );
  } finally {
    if (!stop.signal.aborted) bar?.update(100);
    bar?.stop();
  }

  const cov = CHARTS.map((c) => summarizeCoverage(result.coverage, c));
  // the failure first: if writing the coverage fails afterwards, what the hunt found is already on disk
  let tracePath: string | null = null;
  const f = result.failure;
  const size = f ? workloadSize(f.workload) : null;
  const ex = f?.execution;
  const failure = f ? (f.execution.failure ?? { kind: 'flaky', message: 'the shrunk workload no longer fails when re-run', text: '' }) : null;
  if (f && ex && size && failure) {
    tracePath = saveTrace(join(o.out, 'failures'), `${failure.kind}-seed${seed}`, makeTrace({
      faults: [...faults],
      lockdep: o.lockdep,
      workload: f.workload as never,
      schedule: [...ex.schedule],
      failure: { kind: failure.kind, message: failure.message },
      origin: {
        seed,
        path: f.path,
        command: `vswap-check hunt --seed ${seed} --design ${o.design}${faults.map((x) => ` --fault ${x}`).join('')}${o.steer ? ' --steer' : ''}`,
        ...(result.interrupted === 'shrink' ? { shrinkInterrupted: true } : {}),
      },
      size: { ops: size.ops, cpus: size.cpus, preemptions: ex.preemptions, steps: ex.steps },
    }));
  }
  // how many schedules of the shrunk workload within the bound fail: one bad interleaving, or most of them?
  let explored: Awaited<ReturnType<typeof thenExplore>> | null = null;
  if (f && o.thenExplore !== undefined && !result.interrupted) {
    say(`exploring every schedule of the shrunk workload with <= ${o.thenExplore} preemptions (up to ${o.exploreSeconds}s)...`);
    explored = await thenExplore(f.workload, faults, o.lockdep, o.thenExplore, o.exploreSeconds, stop.signal);
  }
  const summary: HuntSummary = {
    format: SUMMARY_FORMAT,
    version: 1,
    seed,
    designs,
    faults: [...faults],
    runs: o.runs ?? null,
    shard: o.shard ? `${o.shard.index + 1}/${o.shard.count}` : null,
    workers: o.workers,
    executions: result.executions,
    steps: result.steps,
    perDesign: Object.fromEntries(designs.map((d) => [d, result.perDesign[d]])),
    seconds: +(result.elapsedMs / 1000).toFixed(2),
    interrupted: result.interrupted ?? null,
    failure: f && failure ? { index: f.index, kind: failure.kind, message: failure.message, trace: tracePath } : null,
  };
  try {
    writeFileAtomic(join(o.out, 'summary.json'), `${JSON.stringify(summary, null, 1)}\n`);
    writeFileAtomic(join(o.out, 'coverage.json'), coverageToJSON(result.coverage));
    writeFileAtomic(join(o.out, 'coverage.html'), await coverageHtml(result.coverage, { title: `vswap-check hunt, seed ${seed}`, raceEntries: ENTRY_POINTS }));
  } catch (err) {
    if (tracePath) process.stderr.write(`vswap-check: the failure's trace was saved: ${tracePath}\n`);
    throw err;
  }
  if (f && ex && size && failure && tracePath) {
    if (!o.json) {
      say('');
      say(`FAILED: ${failure.kind}: ${failure.message}`);
      if (result.interrupted === 'shrink') say('the shrink was interrupted: the trace is the smallest failing workload found so far, not fully shrunk');
      say(`shrunk from ${workloadSize(f.original).ops} to ${size.ops} ops on ${size.cpus} CPUs, ${ex.preemptions} preemptions, ${ex.steps} steps (${f.shrinkSteps} shrink steps)`);
      say('');
      for (const line of describeWorkload(f.workload)) say(`  ${line}`);
      say('');
      if (failure.text) say(failure.text);
      say('');
      if (f.withoutFaults === null) say(`with the fault${faults.length > 1 ? 's' : ''} off, the same workload and schedule pass: the failure is the fault's.`);
      else if (f.withoutFaults) {
        say(`NOTE: with every fault off the same workload and schedule still fail (${f.withoutFaults.kind}: ${f.withoutFaults.message}):`);
        say('this is a bug of the design itself, which the fault only uncovered. Hunt without --fault to confirm.');
      }
      say(`trace saved: ${tracePath}`);
      say(`replay it:   npx vswap-check replay ${displayPath(tracePath)} --timeline`);
      if (explored) {
        const kinds = Object.entries(explored.failingKinds).map(([k, n]) => `${k} ${n}`).join(', ');
        const of = `${explored.failing} of ${explored.schedules} schedules with <= ${explored.preemptions} preemptions fail${kinds ? ` (${kinds})` : ''}`;
        const cut = explored.interrupted ? 'interrupted' : `cut short by --explore-seconds ${o.exploreSeconds}`;
        say(explored.complete ? `explored: ${of}` : `explored (${cut}, bound not complete): so far ${of}`);
        say(`explore it:  npx vswap-check explore ${displayPath(tracePath)} --preemptions ${explored.preemptions}   (add --fixed to check the fixed code)`);
      }
    }
  }
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({
        // what summary.json holds, and what only this run's output says
        ...summary,
        peakRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
        failures: f ? 1 : 0,
        failureIndex: f ? f.index : null,
        ...(f && f.withoutFaults !== undefined ? { withoutFaults: f.withoutFaults } : {}),
        ...(explored ? { thenExplore: explored } : {}),
        coverage: Object.fromEntries(cov.map((c) => [c.chart, c])),
        races: summarizeRaces(result.coverage.races, ENTRY_POINTS),
        steering: o.steer ? result.steering : null,
        trace: tracePath,
        coverageFiles: [join(o.out, 'coverage.json'), join(o.out, 'coverage.html')],
      })}\n`,
    );
  } else {
    say('');
    say(
      `${result.executions} executions (${perDesign(result.perDesign)}), ${result.steps} steps in ${(result.elapsedMs / 1000).toFixed(1)}s` +
        (f ? `; the first failing one is execution ${f.index}` : ''),
    );
    say(coverageText(result.coverage) + raceText(result.coverage.races, ENTRY_POINTS));
    if (o.steer) {
      const used = result.steering.filter((s) => s.epochs > 0).map((s) => `${s.profile} ${s.executions} runs/${s.newKeys} new`);
      say(`steering (profile: runs / new race keys): ${used.join(', ')}`);
    }
    say(`coverage report: ${join(o.out, 'coverage.html')}`);
    if (result.interrupted) say(`interrupted by Ctrl-C during the ${result.interrupted}`);
  }
  return result.interrupted || explored?.interrupted ? 130 : f ? 1 : 0;
}

/** --then-explore: every schedule of the shrunk workload within the bound, counting the failing ones. */
async function thenExplore(w: Workload, faults: readonly FaultName[], lockdep: boolean, k: number, seconds: number, signal: AbortSignal) {
  const deadline = performance.now() + seconds * 1000;
  // (Ctrl-C ends it like its time budget: the count so far is reported as not complete)
  const r = await exploreWorkloadAsync(w, { faults, lockdep, preemptions: k, iterate: false, stopAtFailure: false, stop: () => signal.aborted || performance.now() > deadline });
  const b = r.bounds[0]!;
  return { preemptions: k, complete: r.status !== 'cut', interrupted: signal.aborted, schedules: b.schedules, pruned: b.pruned, failing: b.failing, failingKinds: r.failingKinds };
}
