// `vswap-check explore` as a user runs it: a regression's fault is found and saved as a replayable trace, the fixed
// code is proven clean within the bound (the same counts twice), a budget that cuts the search short exits 4 without
// claiming the bound, and bad input is one line with exit 2.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vswapCheck } from './run.ts';

const dir = mkdtempSync(join(tmpdir(), 'vswap-explore-cli-'));
const DOUBLE_FREE = 'traces/regressions/double-free.json';
/** Starts an explore, sends SIGINT once it has printed `marker` (default: its first line), and collects how it ended. */
function interruptedExplore(args: string[], marker = '\n'): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'explore', ...args], { cwd: process.cwd() });
    let stdout = '';
    let sent = false;
    // a liveness bound, not a speed assertion: an explore that ignores Ctrl-C runs for its whole --seconds
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`explore did not stop on Ctrl-C; output so far:\n${stdout}`));
    }, 60_000);
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (!sent && stdout.includes(marker)) {
        sent = true;
        // let the search start first
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout });
    });
  });
}

const oneLine = (r: { stderr: string }): void => {
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
};

describe('vswap-check explore', () => {
  it("finds the regression's failure within the bound and saves a trace that replays it", () => {
    const out = join(dir, 'found');
    const r = vswapCheck('explore', DOUBLE_FREE, '--preemptions', '2', '--json', '--workers', '1', '--out', out);
    expect(r.code, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.status).toBe('failure');
    expect(j.failure.preemptions).toBeLessThanOrEqual(2);
    // on two workers: the same bound, the same failing schedule (the lowest slice's first at that bound)
    const two = JSON.parse(vswapCheck('explore', DOUBLE_FREE, '--preemptions', '2', '--json', '--workers', '2', '--out', out).stdout);
    expect(two.failure.bound).toBe(j.failure.bound);
    expect(two.failure.kind).toBe(j.failure.kind);
    const replay = vswapCheck('replay', j.failure.trace, '--json');
    expect(replay.code, replay.stdout + replay.stderr).toBe(1);
    expect(JSON.parse(replay.stdout).outcome).toBe('reproduced');
  });

  it('proves the fixed code clean within the bound, with the same counts on every run', () => {
    const a = vswapCheck('explore', DOUBLE_FREE, '--fixed', '--preemptions', '1', '--out', join(dir, 'clean'));
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/no failure in every schedule with <= 1 preemption \(\d+ schedules, \d+ pruned, [\d.]+ s;/);
    expect(a.stdout).toMatch(/reduction: bounded DPOR with sleep sets;/);
    const runs = [['1', 'dpor'], ['1', 'dpor'], ['1', 'sleep'], ['2', 'dpor']].map(([w, r]) =>
      JSON.parse(vswapCheck('explore', DOUBLE_FREE, '--fixed', '--preemptions', '1', '--workers', w!, '--reduction', r!, '--json', '--out', join(dir, 'clean')).stdout),
    );
    for (const r of runs) {
      expect(r.status).toBe('complete');
      expect(r.completedBound).toBe(1);
    }
    // the same counts twice; on two worker threads (each exploring a slice) the search uses sleep sets, with the
    // counts of sleep sets on one
    expect(runs[1].perBound).toEqual(runs[0].perBound);
    expect(runs[3].reduction).toBe('sleep');
    expect(runs[3].perBound).toEqual(runs[2].perBound);
  });

  it('a budget that cuts the search short exits 4 and claims no bound it did not finish', () => {
    const r = vswapCheck('explore', DOUBLE_FREE, '--fixed', '--max-schedules', '5', '--out', join(dir, 'cut'));
    expect(r.code, r.stderr).toBe(4);
    expect(r.stdout).toMatch(/cut short by --max-schedules 5 after 5 runs/);
    expect(r.stdout).not.toMatch(/no failure in every schedule with <= 2/);
  });

  it('bad input is one line and exit 2', () => {
    const trace = JSON.parse(readFileSync(DOUBLE_FREE, 'utf8'));
    const extra = join(dir, 'extra.json');
    writeFileSync(extra, JSON.stringify({ ...trace.workload, config: { ...trace.workload.config, numa: 2 } }));
    const cases: [string[], RegExp][] = [
      [['explore', DOUBLE_FREE, '--preemptions', '-1'], /--preemptions must be a whole number from 0/],
      [['explore', join(dir, 'missing.json')], /missing\.json/],
      [['explore', '--workload', extra], /field 'config\.numa' is not part of a workload/],
      [['explore'], /a trace or --workload FILE/],
      [['explore', DOUBLE_FREE, '--workload', extra], /a trace or --workload FILE/],
      [['explore', DOUBLE_FREE, '--design', 'ste'], /fault double-free exists only in design v6/],
      [['explore', DOUBLE_FREE, '--reduction', 'partial'], /--reduction.*'partial' is invalid/],
    ];
    for (const [args, msg] of cases) {
      const r = vswapCheck(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(msg);
      oneLine(r);
    }
  });

  it('explores a workload file (without a schedule) like a trace', () => {
    const trace = JSON.parse(readFileSync(DOUBLE_FREE, 'utf8'));
    const file = join(dir, 'workload.json');
    const { schedule: _ignored, ...workload } = trace.workload;
    writeFileSync(file, JSON.stringify(workload));
    const r = vswapCheck('explore', '--workload', file, '--fault', 'double-free', '--json', '--out', join(dir, 'wl'));
    expect(r.code, r.stderr).toBe(1);
    const failure = JSON.parse(r.stdout).failure;
    expect(failure.kind).toBe(JSON.parse(vswapCheck('explore', DOUBLE_FREE, '--json', '--out', join(dir, 'wl')).stdout).failure.kind);
    // the saved trace says how to run the search again: on the workload file, not on it as a trace
    expect(JSON.parse(readFileSync(failure.trace, 'utf8')).origin.command).toBe(`vswap-check explore --workload ${file} --preemptions 2 --fault double-free`);
  });

  it('--shrink deletes what the failure does not need and saves the smallest workload that still fails within the bound', () => {
    // the double-free regression plus a process that has nothing to do with it
    const trace = JSON.parse(readFileSync(DOUBLE_FREE, 'utf8'));
    const file = join(dir, 'padded.json');
    const padded = { ...trace.workload, processes: [...trace.workload.processes, { cpu: 1, memcg: 0, ops: [{ op: 'write', page: 3, value: 7 }, { op: 'read', page: 3 }] }] };
    writeFileSync(file, JSON.stringify(padded));
    const r = vswapCheck('explore', '--workload', file, '--fault', 'double-free', '--shrink', '--workers', '1', '--json', '--out', join(dir, 'shrink'));
    expect(r.code, r.stderr).toBe(1);
    const failure = JSON.parse(r.stdout).failure;
    expect(failure.shrunk.to.ops).toBeLessThan(failure.shrunk.from.ops);
    expect(failure.shrunk.kept).toBeGreaterThan(0);
    expect(failure.shrunk.interrupted).toBe(false);
    const saved = JSON.parse(readFileSync(failure.trace, 'utf8'));
    expect(saved.workload.processes.length).toBeLessThan(padded.processes.length);
    expect(saved.origin.command).toContain('--shrink');
    // the saved schedule of the smallest workload replays to the same failure, and explore finds it there again
    const replayed = JSON.parse(vswapCheck('replay', failure.trace, '--json').stdout);
    expect(replayed.failure.kind).toBe(failure.kind);
    const again = vswapCheck('explore', failure.trace, '--preemptions', String(failure.preemptions), '--workers', '1', '--json', '--out', join(dir, 'shrink2'));
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).failure.kind).toBe(failure.kind);
  });

  it('Ctrl-C during --shrink saves the smallest failing workload found so far and says the shrink stopped early', async () => {
    // the STE race is found at 1 preemption in seconds on the hunt's witness; shrinking its 527-step workload takes minutes
    const r = await interruptedExplore(['traces/regressions/ste-rmap-read-no-table-hunt.json', '--preemptions', '1', '--irq-cpu', 'first', '--shrink', '--workers', '1', '--out', join(dir, 'int-shrink')], 'shrinking the workload');
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/stopped early: smaller ones may fail too/);
    const saved = /trace saved: (\S+)/.exec(r.stdout)![1]!;
    expect(JSON.parse(vswapCheck('replay', saved, '--json').stdout).failure.kind).toBe('bug');
  });

  it('hunt --then-explore counts the failing schedules of the shrunk workload within the bound', () => {
    const r = vswapCheck('hunt', '--runs', '2000', '--seed', '7', '--fault', 'double-free', '--workers', '1', '--then-explore', '1', '--json', '--out', join(dir, 'hunt'));
    expect(r.code, r.stderr).toBe(1);
    const t = JSON.parse(r.stdout).thenExplore;
    expect(t.complete).toBe(true);
    expect(t.failing).toBeGreaterThanOrEqual(1);
    expect(t.failing).toBeLessThanOrEqual(t.schedules);
  });

  it('--irq-cpu first: a smaller schedule space, said in the claim; it reaches a rare STE race on the hunt witness at one preemption', () => {
    const clean = vswapCheck('explore', DOUBLE_FREE, '--fixed', '--preemptions', '1', '--irq-cpu', 'first', '--workers', '1', '--out', join(dir, 'irq'));
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/no failure in every schedule with <= 1 preemption that delivers each interrupt on the first CPU accepting it/);
    const race = vswapCheck('explore', 'traces/regressions/ste-rmap-read-no-table-hunt.json', '--preemptions', '1', '--irq-cpu', 'first', '--workers', '1', '--json', '--out', join(dir, 'irq'));
    expect(race.code, race.stderr).toBe(1);
    expect(JSON.parse(race.stdout).failure.preemptions).toBeLessThanOrEqual(1);
    const bad = vswapCheck('explore', DOUBLE_FREE, '--irq-cpu', 'last');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--irq-cpu.*'last' is invalid.*any, first/);
    oneLine(bad);
  });

  it.each(['1', '2'])('Ctrl-C stops it on %s worker(s): exit 130, no claim for the bound', async (workers) => {
    const r = await interruptedExplore(['traces/regressions/ste-rmap-read-no-table-hunt.json', '--fixed', '--seconds', '600', '--workers', workers, '--out', join(dir, 'int')]);
    expect(r.code, r.stdout).toBe(130);
    expect(r.stdout).toMatch(/cut short by Ctrl-C after \d+ runs/);
    expect(r.stdout).toMatch(/no claim for the bound asked/);
  }, 90_000);
});

