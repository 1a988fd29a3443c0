// Every core: execution i of a hunt comes from (seed, i) alone, so a pool of worker threads finds the same first
// failure as one thread, and n shards of a campaign merge into the unsharded campaign's counts and coverage.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hunt } from '../../properties/hunt.ts';
import { vswapCheck } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'vswap-workers-'));

describe('hunting on every core', () => {
  it('two workers find the same first failing execution, the same unshrunk workload and coverage as one', async () => {
    // (this fault's first failure is execution 174 of seed 10: many batches in, so the pool's order matters)
    const opts = { seed: 10, runs: 3000, seconds: 300, shrinkSeconds: 1, strategy: 'mixed' as const, faults: ['swapin-no-pte-recheck' as const] };
    const one = await hunt({ ...opts, workers: 1 });
    const two = await hunt({ ...opts, workers: 2 });
    expect(one.failure?.index).toBe(174);
    expect(two.failure?.index).toBe(one.failure?.index);
    expect(two.failure?.original).toEqual(one.failure?.original);
    expect(two.coverage).toEqual(one.coverage);
    expect(two.perDesign).toEqual(one.perDesign);
  });

  it('hunt --workers 2 and --workers 1 save the same shrunk trace (double-free, --runs 5000 --seed 7)', () => {
    const traces = [1, 2].map((w) => {
      const out = join(dir, `w${w}`);
      const r = vswapCheck('hunt', '--workers', String(w), '--runs', '5000', '--seed', '7', '--fault', 'double-free', '--json', '--out', out);
      expect(r.code, r.stderr).toBe(1);
      const s = JSON.parse(r.stdout) as { failureIndex: number; workers: number; trace: string };
      expect(s.workers).toBe(w);
      const t = JSON.parse(readFileSync(s.trace, 'utf8')) as Record<string, unknown>;
      delete t.origin; // the command line differs
      return { index: s.failureIndex, trace: t };
    });
    expect(traces[1]!.index).toBe(traces[0]!.index);
    expect(traces[1]!.trace).toEqual(traces[0]!.trace);
  });

  it('two shards merge into the unsharded campaign: same executions and the same coverage', () => {
    const whole = join(dir, 'whole');
    expect(vswapCheck('hunt', '--runs', '200', '--seed', '3', '--workers', '1', '--out', whole, '--json').code).toBe(0);
    for (const i of [1, 2]) {
      const r = vswapCheck('hunt', '--runs', '200', '--seed', '3', '--shard', `${i}/2`, '--out', join(dir, `shard${i}`), '--json');
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { executions: number }).executions).toBe(100);
    }
    const merged = join(dir, 'merged');
    const m = vswapCheck('merge', join(dir, 'shard1'), join(dir, 'shard2'), '--out', merged, '--json');
    expect(m.code, m.stderr).toBe(0);
    const s = JSON.parse(m.stdout) as { executions: number; missingShards: string[] };
    expect(s.executions).toBe(200);
    expect(s.missingShards).toEqual([]);
    expect(readFileSync(join(merged, 'coverage.json'), 'utf8')).toBe(readFileSync(join(whole, 'coverage.json'), 'utf8'));
    expect(readdirSync(merged).sort()).toEqual(['coverage.html', 'coverage.json', 'summary.json']);
    // one shard alone is reported as an incomplete campaign
    const part = vswapCheck('merge', join(dir, 'shard1'));
    expect(part.stdout).toContain('shards 2/2 of 2 are missing');
  });

  it('bad --workers and --shard values exit 2 with one line', () => {
    for (const args of [['--workers', '0'], ['--workers', '-1'], ['--shard', '3/2'], ['--shard', 'x'], ['--shard', '0/2']]) {
      const r = vswapCheck('hunt', '--runs', '1', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
    }
    const r = vswapCheck('merge', join(dir, 'nothing-here'));
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
