// hunt -> saved trace -> replay, end to end through the command line, with every exit code a user relies on.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vswapCheck } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'vswap-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vswap-check hunt and replay', () => {
  let trace = '';

  it('hunt finds the memcg1_swapout self-deadlock, saves a trace and exits 1', () => {
    const out = join(dir, 'faulty');
    const r = vswapCheck('hunt', '--fault', 'memcg1-swapout-relock', '--seed', '1', '--seconds', '30', '--json', '--out', out);
    expect(r.code, r.stderr).toBe(1);
    const summary = JSON.parse(r.stdout) as { failure: { kind: string }; trace: string; executions: number; withoutFaults: unknown };
    expect(summary.failure.kind).toBe('self-deadlock');
    // the shrunk failure was re-run with the fault off: it passes, so the failure is the fault's
    expect(summary.withoutFaults).toBeNull();
    expect(summary.executions).toBeGreaterThan(0);
    trace = summary.trace;
    expect(readdirSync(join(out, 'failures'))).toHaveLength(1);
    expect(readdirSync(out).sort()).toEqual(['coverage.html', 'coverage.json', 'failures', 'summary.json']);
  });

  it('replay reproduces it (exit 1) and draws the timeline', () => {
    const r = vswapCheck('replay', trace, '--timeline');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('CPU0');
    expect(r.stdout).toContain('spinlock recursion');
    expect(r.stdout).toMatch(/reproduced: self-deadlock after \d+ steps/);
  });

  it('replay of the same workload with the fault off is a different outcome (exit 3 or 0)', () => {
    const t = JSON.parse(readFileSync(trace, 'utf8')) as { faults: string[] };
    const file = join(dir, 'fault-off.json');
    writeFileSync(file, JSON.stringify({ ...t, faults: [] }));
    const r = vswapCheck('replay', file, '--json');
    const res = JSON.parse(r.stdout) as { outcome: string };
    expect(res.outcome).not.toBe('reproduced');
    expect([0, 3]).toContain(r.code);
  });

  it('a trace whose schedule no longer applies is refused (exit 3), then re-recorded and reproduced', () => {
    const t = JSON.parse(readFileSync(trace, 'utf8')) as { schedule: string[] };
    const file = join(dir, 'stale.json');
    writeFileSync(file, JSON.stringify({ ...t, schedule: t.schedule.slice(0, -3) }));
    const stale = vswapCheck('replay', file, '--json');
    expect(stale.code).toBe(3);
    expect((JSON.parse(stale.stdout) as { failure: { kind: string } }).failure.kind).toBe('replay-mismatch');
    const re = vswapCheck('replay', file, '--rerecord');
    expect(re.code, re.stderr).toBe(0);
    expect(vswapCheck('replay', file).code).toBe(1);
  });

  it('an unusable trace exits 2 with one line naming the field', () => {
    const file = join(dir, 'bad.json');
    const t = JSON.parse(readFileSync(trace, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...t, lockdep: 'yes' }));
    const r = vswapCheck('replay', file);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("field 'lockdep'");
  });

  it('a clean bounded hunt exits 0 and its coverage files merge', () => {
    const out = join(dir, 'clean');
    const r = vswapCheck('hunt', '--seed', '2', '--runs', '60', '--json', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { executions: number }).executions).toBe(60);
    const one = JSON.parse(readFileSync(join(out, 'coverage.json'), 'utf8')) as { states: Record<string, number> };
    const m = vswapCheck('coverage', join(out, 'coverage.json'), join(out, 'coverage.json'), '--json');
    expect(m.code, m.stderr).toBe(0);
    const merged = JSON.parse(m.stdout) as { record: { states: Record<string, number> } };
    for (const [id, n] of Object.entries(one.states)) expect(merged.record.states[id]).toBe(2 * n);
  });

  it('bad options exit 2 with one line', () => {
    for (const args of [['hunt', '--seconds', 'x'], ['hunt', '--fault', 'nope'], ['hunt', '--strategy', 'dfs'], ['frobnicate']]) {
      const r = vswapCheck(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).not.toContain('    at ');
    }
  });

  it('faults --json lists the catalogue with a report line for each', () => {
    const r = vswapCheck('faults', '--json');
    const cat = JSON.parse(r.stdout) as Record<string, { expect: string; report: string }>;
    expect(Object.keys(cat).length).toBeGreaterThanOrEqual(13);
    for (const f of Object.values(cat)) expect(f.report.length).toBeGreaterThan(0);
  });
});
