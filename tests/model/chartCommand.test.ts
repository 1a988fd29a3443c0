// The `vswap-check chart` command (cli/chart.ts), run as a user would: a separate process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

function vswapCheck(...args: string[]) {
  // node with tsx's loader: the same program as `npx vswap-check`, without npx's start-up cost.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8', cwd: process.cwd() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'vswap-chart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vswap-check chart', () => {
  it('--json prints both charts as parseable JSON', () => {
    const r = vswapCheck('chart', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { charts: Array<{ name: string; transitions: Array<{ id: string }> }> };
    expect(doc.charts.map((c) => c.name)).toEqual(['virtual', 'physical']);
    expect(doc.charts[0]?.transitions.map((t) => t.id)).toContain(
      'virtual:allocated.backing.zswapped --ZSWAP_WRITEBACK--> allocated.backing.onDisk',
    );
  });

  it('prints states and transitions as text by default', () => {
    const r = vswapCheck('chart');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('allocated --FREE--> free [g]');
    expect(r.stdout).toContain('bad --SWAPOFF--> free');
  });

  it('--svg writes the drawing', () => {
    const file = join(dir, 'charts.svg');
    const r = vswapCheck('chart', '--svg', file);
    expect(r.code).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('ZSWAP_WRITEBACK');
  });

  it('refuses an unwritable path with one line and exit code 2', () => {
    const r = vswapCheck('chart', '--svg', '/nonexistent-dir/x.svg');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("cannot write '/nonexistent-dir/x.svg'");
  });
});
