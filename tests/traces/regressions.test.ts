// Every committed regression trace replays strictly and reproduces exactly the failure it records.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FaultName } from '../../impl/kernel/faults.ts';
import { execute } from '../../properties/execute.ts';
import { loadTrace, traceWorkload } from '../../traces/load.ts';

const dir = join(import.meta.dirname, '../../traces/regressions');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('committed regressions', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays to its recorded outcome', (file) => {
    const t = loadTrace(join(dir, file));
    expect(t.header, `${file} needs a header: what went wrong, the interleaving, expected result, fix`).toBeDefined();
    const e = execute(traceWorkload(t), { faults: t.faults as FaultName[], lockdep: t.lockdep, replay: t.schedule });
    expect(e.failure?.kind ?? null).toBe(t.failure?.kind ?? null);
    expect(e.steps).toBe(t.schedule.length);
  });

  it.each(files)('%s runs clean with its fault off (the fix holds on the same workload)', (file) => {
    const t = loadTrace(join(dir, file));
    if (t.faults.length === 0) return;
    const e = execute(traceWorkload(t), { faults: [], lockdep: t.lockdep });
    expect(e.failure ? `${e.failure.kind}: ${e.failure.message}` : null).toBeNull();
  });
});
