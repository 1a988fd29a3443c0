import { FileError } from '../traces/fs.ts';

// One way for every subcommand to refuse bad input: a one-line reason on stderr and exit code 2, never a stack.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Runs a subcommand action; a CliError (or any error) becomes one line on stderr and a non-zero exit. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (err) {
      if (err instanceof CliError || err instanceof FileError) {
        process.stderr.write(`vswap-check: ${err.message}\n`);
        process.exitCode = err instanceof CliError ? err.exitCode : 2;
      } else {
        const msg = err instanceof Error ? err.message : String(err);
        process.stderr.write(`vswap-check: internal error: ${msg}\n`);
        if (process.env.VSWAP_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
        process.exitCode = 70;
      }
    }
  };
}
