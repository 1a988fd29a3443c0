// `vswap-check replay TRACE`: a strict re-run of a saved trace. Exit 0: ran clean; 1: the recorded failure
// reproduced; 3: a different failure (or the schedule diverged); 2: the file is unusable.
import type { Command } from 'commander';
import { isFaultName, type FaultName } from '../impl/kernel/faults.ts';
import { execute } from '../properties/execute.ts';
import { describeWorkload } from '../properties/workload.ts';
import { TraceError, loadTrace, traceWorkload } from '../traces/load.ts';
import type { Trace } from '../traces/schema.ts';
import { traceText } from '../traces/save.ts';
import { renderTimeline } from '../traces/timeline.ts';
import { writeFileAtomic } from './files.ts';
import { CliError, action } from './errors.ts';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('re-run a saved trace deterministically (exit 0 clean, 1 reproduced, 3 different failure, 2 bad file)')
    .argument('<trace>', 'a trace file (traces/regressions/*.json or one a hunt saved)')
    .option('--timeline', 'print a per-CPU timeline of every step: lock operations, slot events, chart states')
    .option('--full', 'with --timeline: every step, not only the ones that switch CPU or change a slot')
    .option('--json', 'print one JSON object: outcome, failure, steps')
    .option('--rerecord', "after a code change: re-run the workload with its own schedule and, if it still fails the same way, store the new step ids in the trace")
    .action(action((path: string, o: ReplayOptions) => replayFile(path, o, (s) => void process.stdout.write(s))));
}

export interface ReplayOptions {
  timeline?: boolean;
  full?: boolean;
  json?: boolean;
  rerecord?: boolean;
}

/**
 * Replays the trace at `path`, writing the report through `write`; returns the exit code. Throws a CliError for an
 * unusable file (the fuzz test drives this function with hostile traces).
 */
export function replayFile(path: string, o: ReplayOptions, write: (s: string) => void): number {
  let trace;
  try {
    trace = loadTrace(path);
  } catch (err) {
    if (err instanceof TraceError) throw new CliError(err.message);
    throw err;
  }
  const unknown = trace.faults.filter((f) => !isFaultName(f));
  if (unknown.length) throw new CliError(`${path}: field 'faults': unknown fault '${unknown[0]}' (see vswap-check faults)`);
  const workload = traceWorkload(trace);
  if (o.rerecord) return rerecord(path, trace, write);
  const ex = execute(workload, {
    faults: trace.faults as FaultName[],
    lockdep: trace.lockdep,
    replay: trace.schedule,
    keepLog: true,
  });
  const want = trace.failure;
  const got = ex.failure;
  const outcome = !got ? 'clean' : want && got.kind === want.kind ? 'reproduced' : 'different';
  const code = outcome === 'clean' ? 0 : outcome === 'reproduced' ? 1 : 3;
  if (o.json) {
    write(`${JSON.stringify({ outcome, exitCode: code, expected: want, failure: got ? { kind: got.kind, message: got.message } : null, steps: ex.steps })}\n`);
    return code;
  }
  const out = (s = ''): void => write(`${s}\n`);
  if (trace.header) {
    out(`${trace.header.title}`);
    out(`  what went wrong: ${trace.header.whatWentWrong}`);
    trace.header.interleaving.forEach((s, i) => out(`  ${i + 1}. ${s}`));
    out(`  expected: ${trace.header.expected}`);
    out(`  fix: ${trace.header.fix}`);
    out();
  }
  for (const line of describeWorkload(workload)) out(line);
  if (trace.faults.length) out(`faults: ${trace.faults.join(', ')}`);
  out();
  if (o.timeline) {
    out(renderTimeline(ex.log, { cpus: workload.config.cpus, compact: !o.full }));
    out();
  }
  if (got) out(got.text || `${got.kind}: ${got.message}`);
  out();
  if (outcome === 'clean') out(`ran clean in ${ex.steps} steps${want ? ` (the trace recorded ${want.kind}: it no longer reproduces)` : ''}`);
  else if (outcome === 'reproduced') out(`reproduced: ${got!.kind} after ${ex.steps} steps`);
  else out(`different failure: got ${got!.kind}${want ? `, the trace recorded ${want.kind}` : ', the trace recorded a clean run'}`);
  return code;
}

/** Re-records a trace whose strict schedule no longer applies (the port changed), keeping its workload and header. */
function rerecord(path: string, trace: Trace, write: (s: string) => void): number {
  const want = trace.failure;
  const ex = execute(traceWorkload(trace), { faults: trace.faults as FaultName[], lockdep: trace.lockdep });
  if ((ex.failure?.kind ?? null) !== (want?.kind ?? null)) {
    throw new CliError(
      `${path}: the workload now ${ex.failure ? `fails with ${ex.failure.kind}` : 'runs clean'}, ` +
        `not ${want ? want.kind : 'clean'}: not re-recorded (shrink it again with a hunt)`,
      3,
    );
  }
  const updated: Trace = {
    ...trace,
    schedule: [...ex.schedule],
    failure: ex.failure ? { kind: ex.failure.kind, message: ex.failure.message } : null,
    ...(trace.size ? { size: { ...trace.size, steps: ex.steps, preemptions: ex.preemptions } } : {}),
  };
  writeFileAtomic(path, traceText(updated));
  write(`re-recorded ${path}: ${ex.failure ? ex.failure.kind : 'clean'} in ${ex.steps} steps\n`);
  return 0;
}
