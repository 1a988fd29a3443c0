// `vswap-check compare` end to end on a small budget: the Markdown and the HTML (with Vega-Lite plots) are written,
// the verdict names the design, and bad input is refused in one line before anything is measured.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vswapCheck } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'vswap-compare-'));

describe('vswap-check compare', () => {
  it('writes COMPARE.md and compare.html for a design', () => {
    const md = join(dir, 'COMPARE.md');
    const html = join(dir, 'compare.html');
    const r = vswapCheck('compare', '--design', 'mainline', '--seeds', '1', '--budget', '1', '--fault-budget', '1', '--throughput-runs', '5', '--out', md, '--html', html);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('## Verdict');
    expect(text).toMatch(/\| mainline \| \d+ \| 0 \|/);
    // mainline's port also gives the 6.19 row, with the covers' published figures beside it
    expect(text).toContain('6.19 (swap_map, swap_cgroup, zeromap)');
    expect(text).toMatch(/89\.50 \(89, \+0\.6 %\)/);
    const page = readFileSync(html, 'utf8');
    expect(page.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3);
    expect(page).toContain('<table>');
  });

  it('refuses an unknown design or an unusable output path in one line, before measuring', () => {
    const bad = vswapCheck('compare', '--design', 'v7');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    // missing directories are created (as hunt --out does); a regular file in the way cannot be
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const out = join(blocker, 'c.md');
    const r = vswapCheck('compare', '--design', 'v6', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});
