// --design through the command line: a hunt runs the designs asked for (and a fault only where it exists), says
// how many executions each got, and records the design in its trace; bad designs exit 2 with one line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vswapCheck } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'vswap-design-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vswap-check --design', () => {
  it('hunt --design all counts executions per design', () => {
    const r = vswapCheck('hunt', '--seed', '3', '--runs', '45', '--json', '--out', join(dir, 'all'));
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { executions: number; perDesign: Record<string, number> };
    expect(Object.keys(s.perDesign).sort()).toEqual(['mainline', 'ste', 'v6']);
    expect(Object.values(s.perDesign).reduce((a, b) => a + b, 0)).toBe(45);
    for (const n of Object.values(s.perDesign)) expect(n).toBeGreaterThan(0);
  });

  it('a fault of one design restricts the hunt to it, and the saved trace names the design', () => {
    const r = vswapCheck('hunt', '--fault', 'ste-cluster-free-no-rcu', '--seed', '1', '--seconds', '30', '--shrink-seconds', '5', '--json', '--out', join(dir, 'ste'));
    expect(r.code, r.stderr).toBe(1);
    const s = JSON.parse(r.stdout) as { perDesign: Record<string, number>; trace: string; failure: { kind: string } };
    expect(Object.keys(s.perDesign)).toEqual(['ste']);
    expect(s.failure.kind).toBe('use-after-free');
    const t = JSON.parse(readFileSync(s.trace, 'utf8')) as { workload: { config: { design: string } } };
    expect(t.workload.config.design).toBe('ste');
    expect(vswapCheck('replay', s.trace).code).toBe(1);
  });

  it('an unknown design, or a fault the asked design does not have, exits 2 with one line', () => {
    const unknown = vswapCheck('hunt', '--design', 'v7', '--runs', '1');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain("unknown design 'v7'; valid: v6, ste, mainline, all");
    const none = vswapCheck('hunt', '--design', 'v6', '--fault', 'ste-cluster-free-no-rcu', '--runs', '1');
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toContain('exists only in design ste');
    // two faults that need opposite machines (zswap on, zswap off) cannot be hunted together
    const clash = vswapCheck('hunt', '--fault', 'ste-lookup-no-dead-check', '--fault', 'ste-cache-only-mark-unlocked', '--runs', '1');
    expect(clash.code).toBe(2);
    expect(clash.stderr.trim().split('\n')).toHaveLength(1);
    expect(clash.stderr).toContain('needs zswap on and --fault ste-cache-only-mark-unlocked needs zswap off');
  });

  it('a trace naming an unknown design exits 2 from replay; one naming none loads as v6', () => {
    const regression = JSON.parse(readFileSync('traces/regressions/double-free.json', 'utf8')) as { workload: { config: Record<string, unknown> } };
    expect(regression.workload.config.design).toBeUndefined();
    expect(vswapCheck('replay', 'traces/regressions/double-free.json').code).toBe(1);
    const bad = join(dir, 'bad-design.json');
    writeFileSync(bad, JSON.stringify({ ...regression, workload: { ...regression.workload, config: { ...regression.workload.config, design: 'v7' } } }));
    const rr = vswapCheck('replay', bad);
    expect(rr.code).toBe(2);
    expect(rr.stderr.trim().split('\n')).toHaveLength(1);
    expect(rr.stderr).toContain("field 'workload.config.design'");
  });
});
