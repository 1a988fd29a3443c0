// --design: which swap-slot designs a command runs (v6, ste, mainline), a comma-separated list of them, or all.
import { DESIGN_NAMES, isDesignName, type DesignName } from '../impl/kernel/swap.ts';
import { FAULTS, type FaultName } from '../impl/kernel/faults.ts';
import { huntDesigns, huntRequirements } from '../properties/hunt.ts';
import { CliError } from './errors.ts';

export const DESIGN_HELP = `swap-slot design: ${DESIGN_NAMES.join(', ')}, a comma-separated list of them, or all`;

/** Parses --design; an unknown name is a one-line usage error naming the valid ones. */
export function parseDesigns(value: string): DesignName[] {
  if (value === 'all') return [...DESIGN_NAMES];
  const names = value.split(',').map((x) => x.trim());
  for (const n of names) {
    if (!isDesignName(n)) throw new CliError(`--design: unknown design '${n}'; valid: ${DESIGN_NAMES.join(', ')}, all`);
  }
  return [...new Set(names)] as DesignName[];
}

/** The designs of a hunt with these faults: a fault that belongs to some designs restricts it to them. */
export function designsForFaults(designs: readonly DesignName[], faults: readonly FaultName[]): DesignName[] {
  const ok = huntDesigns(designs, faults);
  if (ok.length === 0) {
    const f = faults.find((x) => !designs.some((d) => FAULTS[x].designs.includes(d)))!;
    throw new CliError(`--fault ${f} exists only in design ${FAULTS[f].designs.join(', ')}; --design ${designs.join(',')} has none of them`);
  }
  const req = huntRequirements(faults);
  if ('conflict' in req) throw new CliError(req.conflict);
  return ok;
}
