// `vswap-check explore`: every schedule of one workload within a preemption bound (properties/explore.ts). Exit 0:
// the bound was completed without a failure; 1: a failing schedule was found (saved as a trace); 4: a budget cut
// the search short (no claim beyond the last completed bound); 2: bad input; 130: interrupted.
import { Option, type Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { FAULTS, isFaultName, type FaultName } from '../impl/kernel/faults.ts';
import { ToChoicesScheduler } from '../impl/sim/index.ts';
import { execute } from '../properties/execute.ts';
import { exploreWorkloadAsync, reductionOf, type ExploreResult, type FoundFailure, type Reduction } from '../properties/explore.ts';
import { shrinkExplored } from '../properties/exploreShrink.ts';
import { describeWorkload, workloadSize, type Workload } from '../properties/workload.ts';
import { TraceError, loadTrace, loadWorkload, traceWorkload } from '../traces/load.ts';
import { makeTrace, saveTrace } from '../traces/save.ts';
import { parseDesigns } from './designs.ts';
import { CliError, action } from './errors.ts';
import { parseFaults } from './faults.ts';
import { displayPath, ensureDir } from './files.ts';
import { collect, intOption, irqCpuOption } from './options.ts';
import { exploreOnPool } from '../properties/explorePool.ts';

interface ExploreCliOptions {
  workload?: string;
  preemptions: number;
  design?: string;
  fault: string[];
  fixed?: boolean;
  lockdep: boolean;
  reduction: Reduction | false;
  maxSchedules?: number;
  seconds: number;
  json?: boolean;
  out: string;
  workers: number;
  irqCpu: 'any' | 'first';
  shrink?: boolean;
  shrinkSeconds: number;
}

export function registerExplore(program: Command): void {
  program
    .command('explore')
    .description('run every schedule of one workload with at most K preemptions (exit 0 none fails, 1 one fails, 4 cut short, 2 bad input)')
    .argument('[trace]', "a trace (its workload, faults and lockdep setting; its schedule is ignored)")
    .option('--workload <file>', "a workload file instead of a trace (a trace's 'workload' object; 'schedule' may be left out)")
    .option('--preemptions <k>', 'the preemption bound K: bounds 0, 1, ... K are explored in turn', intOption('--preemptions', 0, 16), 2)
    .option('--design <name>', 'run the workload on this design instead of its own (v6, ste, mainline)')
    .option('--fault <name>', "switch a fault on (repeatable; replaces the trace's faults)", collect, [])
    .option('--fixed', 'switch every fault off: explore the workload on the fixed code (e.g. after a fix, to check the regression)')
    .option('--no-lockdep', 'turn potential-deadlock (lockdep) checking off')
    .addOption(new Option('--reduction <kind>', 'dpor: bounded DPOR with sleep sets; sleep: sleep sets alone; none: every schedule (to measure what they save)').choices(['dpor', 'sleep', 'none']).default('dpor'))
    .option('--no-reduction', 'the same as --reduction none')
    .addOption(irqCpuOption('deliver each interrupt on any CPU that accepts it, or only on the first one (fewer schedules, and a weaker claim that says so)'))
    .option('--max-schedules <n>', 'budget: stop after this many runs (exit 4 when the bound is not complete)', intOption('--max-schedules', 1))
    .option('--seconds <n>', 'budget: stop after this long (exit 4 when the bound is not complete)', intOption('--seconds', 1, 86_400), 300)
    .option('--workers <n>', 'worker threads, each exploring a slice of the schedules with sleep sets (DPOR takes its backtracking points from runs a slice does not own, so it runs in one thread)', intOption('--workers', 1, 256), 1)
    .option('--shrink', 'after a failure: delete processes, threads, ops and background work while a schedule within the same bound still fails the same way, and save the smallest workload\'s failing schedule')
    .option('--shrink-seconds <n>', 'budget of --shrink (it keeps the smallest failing workload found so far)', intOption('--shrink-seconds', 1, 86_400), 120)
    .option('--json', 'print one JSON object instead of text')
    .option('--out <dir>', 'where the trace of a failing schedule goes', 'explore-out')
    .action(action(runExploreCommand));
}

interface Input {
  workload: Workload;
  faults: FaultName[];
  lockdep: boolean;
  /** How the command line named it, as a shell reads it back (a trace path, or --workload FILE). */
  source: string;
}

function readInput(path: string | undefined, o: ExploreCliOptions): Input {
  if ((path === undefined) === (o.workload === undefined)) throw new CliError('explore needs a trace or --workload FILE (one of them)');
  let workload: Workload;
  let faults: FaultName[];
  let lockdep = o.lockdep;
  try {
    if (path !== undefined) {
      const t = loadTrace(path);
      const unknown = t.faults.find((f) => !isFaultName(f));
      if (unknown !== undefined) throw new CliError(`${path}: field 'faults': unknown fault '${unknown}' (see vswap-check faults)`);
      workload = traceWorkload(t);
      faults = t.faults as FaultName[];
      lockdep = lockdep && t.lockdep;
    } else {
      workload = loadWorkload(o.workload!);
      faults = [];
    }
  } catch (err) {
    if (err instanceof TraceError) throw new CliError(err.message);
    throw err;
  }
  if (o.fault.length > 0 && o.fixed) throw new CliError('--fixed switches every fault off; it cannot be combined with --fault');
  if (o.fault.length > 0) faults = parseFaults(o.fault);
  if (o.fixed) faults = [];
  if (o.design !== undefined) {
    const designs = parseDesigns(o.design);
    if (designs.length !== 1) throw new CliError(`--design takes one design for explore, got '${o.design}'`);
    workload = { ...workload, config: { ...workload.config, design: designs[0]! } };
  }
  const design = workload.config.design;
  const misfit = faults.find((f) => !FAULTS[f].designs.includes(design));
  if (misfit !== undefined) throw new CliError(`fault ${misfit} exists only in design ${FAULTS[misfit].designs.join(', ')}, and the workload runs on ${design} (--design)`);
  return { workload, faults, lockdep, source: path !== undefined ? shellWord(path) : `--workload ${shellWord(o.workload!)}` };
}

/** A word as a shell reads it back: quoted unless it is plain. */
function shellWord(x: string): string {
  return /^[\w./:@-]+$/.test(x) ? x : `'${x.replace(/'/g, `'\\''`)}'`;
}

/** How the header line names a reduction. */
const REDUCTION_TEXT: Record<Reduction, string> = { dpor: 'bounded DPOR with sleep sets', sleep: 'sleep sets', none: 'none' };

/** The reduction asked for (--no-reduction is --reduction none). */
function reductionName(o: ExploreCliOptions): Reduction {
  return o.reduction === false ? 'none' : o.reduction;
}

/** The reduction the search uses: slices on several workers use sleep sets (see --workers). */
function reductionUsed(o: ExploreCliOptions): Reduction {
  return reductionOf({ reduction: reductionName(o), ...(o.workers > 1 ? { shard: { index: 0, count: o.workers } } : {}) });
}

/** The command line that runs this search again (the saved trace's origin). */
function originCommand(input: Input, o: ExploreCliOptions, shrink: boolean): string {
  return [
    `vswap-check explore ${input.source} --preemptions ${o.preemptions}`,
    o.design !== undefined ? ` --design ${shellWord(o.design)}` : '',
    o.irqCpu === 'first' ? ' --irq-cpu first' : '',
    o.fixed === true ? ' --fixed' : input.faults.map((x) => ` --fault ${x}`).join(''),
    o.lockdep ? '' : ' --no-lockdep',
    reductionName(o) === 'dpor' ? '' : ` --reduction ${reductionName(o)}`,
    o.workers > 1 ? ` --workers ${o.workers}` : '',
    shrink ? ` --shrink --shrink-seconds ${o.shrinkSeconds}` : '',
  ].join('');
}

interface ShrinkReport {
  from: { ops: number; steps: number };
  to: { ops: number; steps: number };
  tries: number;
  kept: number;
  seconds: number;
  /** Ctrl-C, --shrink-seconds or the candidate cap ended it before no single change was left to try. */
  interrupted: boolean;
}

/** --shrink: the smallest workload on which a schedule within the same bound fails the same way (properties/exploreShrink.ts). */
async function shrinkFailure(
  input: Input,
  first: FoundFailure,
  o: ExploreCliOptions,
  runs: number,
  abort: AbortController,
  onTry: (p: { tries: number; kept: number }, seconds: number) => void,
): Promise<{ workload: Workload; first: FoundFailure; report: ShrinkReport }> {
  const t0 = performance.now();
  const deadline = t0 + o.shrinkSeconds * 1000;
  let outOfTime = false;
  const stop = (): boolean => {
    if (performance.now() > deadline) outOfTime = true;
    return outOfTime || abort.signal.aborted;
  };
  const r = await shrinkExplored(input.workload, first, {
    faults: input.faults,
    lockdep: input.lockdep,
    reduction: reductionName(o),
    irqCpu: o.irqCpu,
    // a candidate gets a few times the runs the first failure took (at least 1,000)
    runsPerTry: Math.max(1000, 4 * runs),
    stop,
    onTry: (p) => onTry(p, (performance.now() - t0) / 1000),
  });
  return {
    workload: r.workload,
    first: r.first,
    report: {
      from: { ops: workloadSize(input.workload).ops, steps: first.steps },
      to: { ops: workloadSize(r.workload).ops, steps: r.first.steps },
      tries: r.tries,
      kept: r.kept,
      seconds: +((performance.now() - t0) / 1000).toFixed(2),
      interrupted: outOfTime || abort.signal.aborted || r.exhausted,
    },
  };
}

async function runExploreCommand(path: string | undefined, o: ExploreCliOptions): Promise<number> {
  const irqFirst = o.irqCpu === 'first';
  /** What a bound covers, as every claim says it. */
  const within = (k: number): string =>
    `every schedule with <= ${k} preemption${k === 1 ? '' : 's'}${irqFirst ? ' that delivers each interrupt on the first CPU accepting it' : ''}`;
  const input = readInput(path, o);
  ensureDir(o.out);
  const K = o.preemptions;
  const say = (s: string): void => {
    if (!o.json) process.stdout.write(`${s}\n`);
  };
  say(`explore ${input.source}: design ${input.workload.config.design}${input.faults.length ? `, faults: ${input.faults.join(', ')}` : ', no faults'}, ` +
    `${within(K)}; reduction: ${REDUCTION_TEXT[reductionUsed(o)]}${o.workers > 1 ? ` on ${o.workers} workers` : ''}; budget ${o.maxSchedules !== undefined ? `${o.maxSchedules} runs / ` : ''}${o.seconds}s`);
  // (the workload's own schedule is not used: every schedule within the bound is)
  for (const line of describeWorkload(input.workload)) if (!line.startsWith('schedule:')) say(`  ${line}`);

  // Ctrl-C stops the search like a budget (exit 130); a second one quits at once
  const abort = new AbortController();
  let bar: SingleBar | null = null;
  let phase: 'search' | 'shrink' = 'search';
  const onSigint = (): void => {
    bar?.stop();
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
    process.stderr.write(phase === 'search'
      ? '\nvswap-check: interrupted: stopping the search (Ctrl-C again to quit at once)\n'
      : '\nvswap-check: interrupted: stopping the shrink; the smallest failing workload so far is saved (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  const tty = !o.json && process.stderr.isTTY;
  bar = tty
    ? new SingleBar({ format: ` explore |{bar}| bound {bound} of ${K}: {schedules} schedules, {runs} runs in all on ${o.workers} worker${o.workers > 1 ? 's' : ''}`, hideCursor: true }, Presets.shades_classic)
    : null;
  bar?.start(K + 1, 0, { bound: 0, schedules: 0, runs: 0 });
  const t0 = performance.now();
  const common = {
    faults: input.faults,
    lockdep: input.lockdep,
    preemptions: K,
    reduction: reductionName(o),
    irqCpu: o.irqCpu,
    ...(o.maxSchedules !== undefined ? { maxSchedules: o.maxSchedules } : {}),
  };
  let result: ExploreResult;
  try {
    if (o.workers > 1) {
      result = await exploreOnPool(input.workload, {
        ...common,
        workers: o.workers,
        deadline: Date.now() + o.seconds * 1000,
        signal: abort.signal,
        onProgress: (p) => bar?.update(p.bound, p),
      });
    } else {
      const deadline = t0 + o.seconds * 1000;
      let runs = 0;
      let lastDraw = 0;
      result = await exploreWorkloadAsync(input.workload, {
        ...common,
        stop: () => abort.signal.aborted || performance.now() > deadline,
        onProgress: (p) => {
          runs++;
          const now = performance.now();
          if (bar === null || now - lastDraw < 100) return;
          lastDraw = now;
          bar.update(p.bound, { bound: p.bound, schedules: p.schedules, runs });
        },
      });
    }
  } finally {
    bar?.stop();
    bar = null;
  }
  const interrupted = abort.signal.aborted;
  const seconds = +((performance.now() - t0) / 1000).toFixed(2);
  const final = result.bounds[result.bounds.length - 1];
  const exitCode = result.status === 'failure' ? 1 : result.status === 'complete' ? 0 : interrupted ? 130 : 4;
  let tracePath: string | null = null;
  // the failure found by the search, and the one saved (the smallest workload's, after --shrink)
  const found = result.first;
  let f = found;
  let workload = input.workload;
  let shrunk: ShrinkReport | null = null;
  try {
    if (found !== null && o.shrink === true && !interrupted) {
      say(`found a failing schedule after ${result.runs} runs in ${seconds}s; shrinking the workload (Ctrl-C keeps the smallest failing one so far)`);
      phase = 'shrink';
      bar = tty ? new SingleBar({ format: ' shrink  |{bar}| {tries} smaller workloads explored, {kept} kept', hideCursor: true }, Presets.shades_classic) : null;
      bar?.start(o.shrinkSeconds, 0, { tries: 0, kept: 0 });
      const r = await shrinkFailure(input, found, o, result.runs, abort, (p, t) => bar?.update(Math.min(o.shrinkSeconds, t), p));
      shrunk = r.report;
      workload = r.workload;
      f = r.first;
    }
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
  if (f !== null) {
    // the failing schedule as a trace: strict replay ids, and the same schedule as choices so that it also shrinks
    const conv = new ToChoicesScheduler(f.schedule);
    execute(workload, { faults: input.faults, lockdep: input.lockdep, scheduler: conv });
    const size = workloadSize(workload);
    tracePath = saveTrace(o.out, `${f.failure.kind}-explore`, makeTrace({
      faults: [...input.faults],
      lockdep: input.lockdep,
      workload: { ...workload, schedule: { strategy: 'random', choices: conv.choices } } as never,
      schedule: [...f.schedule],
      failure: { kind: f.failure.kind, message: f.failure.message },
      origin: { command: originCommand(input, o, shrunk !== null) },
      size: { ops: size.ops, cpus: size.cpus, preemptions: f.preemptions, steps: f.steps },
    }));
  }
  const perBound = result.bounds.map((b) => ({ bound: b.bound, schedules: b.schedules, pruned: b.pruned, complete: b.bound <= result.completedBound }));
  if (o.json) {
    process.stdout.write(`${JSON.stringify({
      status: result.status,
      exitCode,
      preemptions: K,
      completedBound: result.completedBound,
      design: input.workload.config.design,
      faults: input.faults,
      reduction: reductionUsed(o),
      irqCpu: o.irqCpu,
      schedules: final?.schedules ?? 0,
      pruned: final?.pruned ?? 0,
      runs: result.runs,
      perBound,
      seconds,
      interrupted,
      // the saved schedule's; with --shrink, `found` is the search's own before the workload was shrunk
      failure: f && found ? {
        kind: f.failure.kind,
        message: f.failure.message,
        preemptions: f.preemptions,
        bound: f.bound,
        steps: f.steps,
        trace: tracePath,
        ...(shrunk !== null ? { found: { preemptions: found.preemptions, bound: found.bound, steps: found.steps }, shrunk } : {}),
      } : null,
    })}\n`);
    return exitCode;
  }
  say('');
  for (const b of perBound) say(`  bound ${b.bound}: ${b.schedules} schedules, ${b.pruned} pruned${b.complete ? '' : ' (not complete)'}`);
  if (f !== null && tracePath !== null) {
    say('');
    say(`FAILED: a schedule with ${f.preemptions} preemption${f.preemptions === 1 ? '' : 's'} fails${shrunk !== null ? ' (on the shrunk workload)' : ''}: ${f.failure.kind}: ${f.failure.message}`);
    if (f.failure.text) say(f.failure.text);
    say(`found after ${result.runs} runs in ${seconds}s (exploring bound ${found!.bound}; bounds below it have no failure)`);
    if (shrunk !== null) {
      say(`shrunk: ${shrunk.from.ops} ops, ${shrunk.from.steps} steps -> ${shrunk.to.ops} ops, ${shrunk.to.steps} steps ` +
        `(${shrunk.tries} smaller workloads explored, ${shrunk.kept} kept, ${shrunk.seconds}s${shrunk.interrupted ? '; stopped early: smaller ones may fail too' : ''}); ` +
        `the smallest fails with ${f.preemptions} preemption${f.preemptions === 1 ? '' : 's'}`);
    }
    say(`trace saved: ${tracePath}`);
    say(`replay it:   npx vswap-check replay ${displayPath(tracePath)} --timeline`);
  } else if (result.status === 'complete') {
    say(`no failure in ${within(K)} (${final!.schedules} schedules, ${final!.pruned} pruned, ${seconds} s; ${result.runs} runs over bounds 0-${K})`);
  } else {
    const why = interrupted ? 'Ctrl-C' : o.maxSchedules !== undefined && result.runs >= o.maxSchedules ? `--max-schedules ${o.maxSchedules}` : `--seconds ${o.seconds}`;
    say(`cut short by ${why} after ${result.runs} runs in ${seconds}s: ` +
      (result.completedBound >= 0 ? `no failure in ${within(result.completedBound)}; bound ${result.completedBound + 1} not complete` : 'not even bound 0 was completed') +
      ': no claim for the bound asked');
  }
  return exitCode;
}
