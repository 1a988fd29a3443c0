// The vswap-check command: each subcommand lives in its own file and registers itself here.
import { Command, CommanderError } from 'commander';
import { registerBench } from './bench.ts';
import { CliError } from './errors.ts';
import { registerChart } from './chart.ts';
import { registerCompare } from './compare.ts';
import { registerCoverage } from './coverage.ts';
import { registerExplore } from './explore.ts';
import { registerFaults } from './faults.ts';
import { registerHunt } from './hunt.ts';
import { registerMerge } from './merge.ts';
import { registerReplay } from './replay.ts';

// A reader piping into `head` closes stdout early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const program = new Command();
program
  .name('vswap-check')
  .description('Verification suite for the Linux virtual swap space design')
  // every usage error is one line (commander's own has a second for "Did you mean"), and says where help is
  .configureOutput({
    outputError: (str, write) => write(`vswap-check: ${str.replace(/\s*\n\s*/g, ' ').trim()} (see vswap-check --help)\n`),
  })
  .exitOverride();

registerHunt(program);
registerReplay(program);
registerExplore(program);
registerCoverage(program);
registerMerge(program);
registerChart(program);
registerFaults(program);
registerBench(program);
registerCompare(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CliError) {
    // an option parser refused a value before any action ran
    process.stderr.write(`vswap-check: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else if (err instanceof CommanderError) {
    // commander already printed its one-line message; help and version exit 0.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    throw err;
  }
}
