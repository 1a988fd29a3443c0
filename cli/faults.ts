// `vswap-check faults`: the fault catalogue — each a realistic slip in the port, off unless named with --fault.
import type { Command } from 'commander';
import { FAULTS, FAULT_NAMES, expectedKinds, faultSpec, isFaultName, type FaultName } from '../impl/kernel/faults.ts';
import { CliError, action } from './errors.ts';

/** Checks --fault names; an unknown one is a usage error that lists the catalogue. */
export function parseFaults(names: readonly string[]): FaultName[] {
  for (const n of names) {
    if (!isFaultName(n)) throw new CliError(`unknown fault '${n}'; known faults: ${FAULT_NAMES.join(', ')} (see 'vswap-check faults')`);
  }
  return [...new Set(names)] as FaultName[];
}

export function registerFaults(program: Command): void {
  program
    .command('faults')
    .description('list the fault catalogue (bug classes the suite can switch on with --fault NAME)')
    .option('--json', 'print the catalogue as JSON')
    .action(
      action((opts: { json?: boolean }) => {
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(FAULTS, null, 2)}\n`);
          return;
        }
        for (const name of FAULT_NAMES) {
          const f = faultSpec(name);
          const req = f.requires ? `  (needs ${Object.values(f.requires).join(', ')})` : '';
          const rare = f.rareRace ? `  rare race:   a hunt needs tens of thousands of runs; shrunk trace: ${f.rareRace.regression}\n` : '';
          process.stdout.write(
            `${name}${req}\n  designs:     ${f.designs.join(', ')}\n  ${f.description}\n  how:         ${f.mechanism}\n` +
              `  exposed by:  ${f.interleaving}\n  reported as: ${expectedKinds(f).join(' or ')}\n  known from:  ${f.report}\n${rare}\n`,
          );
        }
      }),
    );
}
