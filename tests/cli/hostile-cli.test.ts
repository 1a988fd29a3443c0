// Hostile use of the command itself, run as a user would (a separate process): output paths that cannot work are
// refused before the search, Ctrl-C stops a hunt and keeps what it found, a file of endless bytes is refused, merged
// coverage stays readable, and the test budget refuses a value that would make the properties run zero times.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vswapCheck } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'vswap-hostile-cli-'));
const oneLine = (r: { stderr: string }): void => {
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
};

/** Starts a hunt, sends SIGINT once `when` matches its output (and again if asked), and collects how it ended. */
function interruptedHunt(args: string[], when: RegExp, twice = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'hunt', ...args], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    let sent = false;
    // a liveness bound, not a speed assertion: an interrupted hunt that never exits fails here
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the hunt did not exit within 60 s of Ctrl-C; output so far:\n${stdout}`));
    }, 90_000);
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (!sent && when.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    let again = false;
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      // the second Ctrl-C once the first is acknowledged (two signals sent together arrive as one)
      if (twice && !again && stderr.includes('interrupted: saving')) {
        again = true;
        child.kill('SIGINT');
      }
    });
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('hostile use of the command', () => {
  it('4. hunt refuses an output directory that is a file, or a device, before it searches', () => {
    const file = join(dir, 'taken');
    writeFileSync(file, 'mine');
    for (const out of [file, '/dev/full']) {
      const r = vswapCheck('hunt', '--runs', '5', '--out', out);
      expect(r.code, out).toBe(2);
      oneLine(r);
      expect(r.stdout).not.toContain('executions');
    }
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('4. coverage refuses an output under a file before it merges', () => {
    const rec = join(dir, 'c.json');
    writeFileSync(rec, JSON.stringify({ version: 1, states: {}, transitions: {} }));
    const r = vswapCheck('coverage', rec, '--out', join(rec, 'x.json'));
    expect(r.code).toBe(2);
    oneLine(r);
  });

  it('7. a missing directory for --html is reported, not created; an empty --out is refused', () => {
    const missing = join(dir, 'nonexist');
    const rec = join(dir, 'c2.json');
    writeFileSync(rec, JSON.stringify({ version: 1, states: {}, transitions: {} }));
    const r = vswapCheck('coverage', rec, '--html', join(missing, 'x.html'));
    expect(r.code).toBe(2);
    oneLine(r);
    expect(r.stderr).toContain('does not exist');
    expect(existsSync(missing)).toBe(false);
    for (const args of [['hunt', '--runs', '1', '--out', ''], ['coverage', rec, '--out', '']]) {
      const e = vswapCheck(...args);
      expect(e.code, args.join(' ')).toBe(2);
      oneLine(e);
      expect(e.stderr).toContain('empty path');
    }
  });

  it('7. a 5000-character --out that cannot be created leaves no directories behind', () => {
    const base = join(dir, 'deep');
    const out = join(base, ...Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(250, 'x')));
    const r = vswapCheck('hunt', '--runs', '1', '--out', out);
    expect(r.code).toBe(2);
    oneLine(r);
    expect(existsSync(base)).toBe(false);
  });

  it('7. replay --rerecord through a symbolic link rewrites the target and keeps the link', () => {
    const target = join(dir, 'target.json');
    writeFileSync(target, readFileSync('traces/regressions/double-free.json'));
    const link = join(dir, 'link.json');
    symlinkSync(target, link);
    const r = vswapCheck('replay', link, '--rerecord');
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(vswapCheck('replay', target).code).toBe(1);
  });

  it('2. a file of endless bytes (/dev/zero) is refused, not read without end, by every command that reads files', () => {
    for (const args of [['replay', '/dev/zero'], ['coverage', '/dev/zero']]) {
      const r = vswapCheck(...args);
      expect(r.code, args.join(' ')).toBe(2);
      oneLine(r);
      expect(r.stderr).toContain('larger than');
    }
  });

  it('8. merged coverage counts saturate and the merged file reads back', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, JSON.stringify({ version: 1, states: { 'virtual:free': 2 ** 53 - 10 }, transitions: {} }));
    const merged = join(dir, 'merged.json');
    const r = vswapCheck('coverage', big, big, '--out', merged);
    expect(r.code, r.stderr).toBe(0);
    const back = vswapCheck('coverage', merged, '--json');
    expect(back.code, back.stderr).toBe(0);
    expect((JSON.parse(back.stdout) as { record: { states: Record<string, number> } }).record.states['virtual:free']).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('10. a test budget of 0 or not a number is refused, not run zero times', () => {
    for (const runs of ['0', 'abc', '-3']) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', "await import('./tests/properties/budget.ts')"], {
        encoding: 'utf8',
        env: { ...process.env, VSWAP_RUNS: runs },
      });
      expect(r.status, runs).not.toBe(0);
      expect(r.stderr).toContain('VSWAP_RUNS must be a whole number');
    }
  });

  it('5. Ctrl-C during the search stops the hunt, writes the coverage so far and exits 130', async () => {
    const out = join(dir, 'int-search');
    const r = await interruptedHunt(['--seconds', '600', '--seed', '3', '--out', out], /^seed 3,.*\n/);
    expect(r.code, r.stderr).toBe(130);
    // 9. the first line says a time budget alone is not repeatable
    expect(r.stdout.split('\n')[0]).toContain('repeatable only with --runs');
    expect(r.stdout).toContain('interrupted by Ctrl-C during the search');
    expect(existsSync(join(out, 'coverage.json'))).toBe(true);
    expect(existsSync(join(out, 'coverage.html'))).toBe(true);
  });

  it('5. Ctrl-C during the shrink saves the failure shrunk so far, marked as such, and exits 130', async () => {
    // (this fault's first failure takes about ten seconds to shrink fully; the signal comes as the shrink starts)
    const out = join(dir, 'int-shrink');
    const r = await interruptedHunt(['--seconds', '120', '--seed', '5', '--fault', 'swapin-no-pte-recheck', '--out', out], /shrinking it/);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stdout).toContain('the shrink was interrupted');
    const traces = readdirSync(join(out, 'failures'));
    expect(traces).toHaveLength(1);
    const t = JSON.parse(readFileSync(join(out, 'failures', traces[0]!), 'utf8')) as { origin: { shrinkInterrupted?: boolean } };
    expect(t.origin.shrinkInterrupted).toBe(true);
    expect(vswapCheck('replay', join(out, 'failures', traces[0]!)).code).toBe(1);
    expect(existsSync(join(out, 'coverage.json'))).toBe(true);
  });

  it('5. a second Ctrl-C quits at once with 130', async () => {
    const out = join(dir, 'int-twice');
    const r = await interruptedHunt(['--seconds', '600', '--seed', '4', '--out', out], /^seed 4,.*\n/, true);
    // whether the second signal came before the first had finished saving or after, the hunt ends with 130 and no
    // stack; when it came first, the hunt said so and printed no report
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    if (r.stderr.includes('quitting now')) expect(r.stdout).not.toContain('coverage report:');
  });

  it('6. a usage error with a suggestion is one line', () => {
    const r = vswapCheck('hunt', '--sedd', '3');
    expect(r.code).toBe(2);
    oneLine(r);
    expect(r.stderr).toContain('Did you mean --seed?');
  });
});
