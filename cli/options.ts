// Parsers for numeric options: a bad value is a one-line usage error (exit 2) naming the option.
import { Option } from 'commander';
import { availableParallelism } from 'node:os';
import { CliError } from './errors.ts';

export function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new CliError(`${name} must be a whole number from ${min} to ${max}, got '${value}'`);
    }
    return n;
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--irq-cpu any|first`: where explore delivers a pending interrupt (ExploreOptions.irqCpu). */
export function irqCpuOption(help: string): Option {
  return new Option('--irq-cpu <where>', help).choices(['any', 'first']).default('any');
}

/** `--workers N` (default: the machine's cores), the same for every command that hunts. */
export function workersOption(what: string): Option {
  return new Option('--workers <n>', `worker threads ${what}`).argParser(intOption('--workers', 1, 256)).default(availableParallelism(), "the machine's cores");
}
