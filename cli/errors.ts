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

/** How the CLI ends on an error: a CliError or FileError is the user's (exit 2 or its own code), anything else ours (70). */
export function errorOutcome(err: unknown): { code: number; line: string; internal: boolean } {
  if (err instanceof CliError || err instanceof FileError) {
    return { code: err instanceof CliError ? err.exitCode : 2, line: `vswap-check: ${err.message}`, internal: false };
  }
  const msg = err instanceof Error ? err.message : String(err);
  return { code: 70, line: `vswap-check: internal error: ${msg}`, internal: true };
}

/** Runs a subcommand action; a CliError (or any error) becomes one line on stderr and a non-zero exit. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (err) {
      const o = errorOutcome(err);
      process.stderr.write(`${o.line}\n`);
      if (o.internal && process.env.VSWAP_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exitCode = o.code;
    }
  };
}
