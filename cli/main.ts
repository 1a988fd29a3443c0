// The vswap-check command: each subcommand lives in its own file and registers itself here.
import { Command, CommanderError } from 'commander';
import { registerChart } from './chart.ts';

const program = new Command();
program
  .name('vswap-check')
  .description('Verification suite for the Linux virtual swap space design')
  .showHelpAfterError('(run vswap-check --help for usage)')
  .exitOverride();

registerChart(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // commander already printed its one-line message; help and version exit 0.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    throw err;
  }
}
