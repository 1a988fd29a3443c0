import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceError, loadTrace, parseTrace, parseWorkload } from '../../traces/load.ts';
import { makeTrace, saveTrace, traceText } from '../../traces/save.ts';

const workload = {
  config: { cpus: 2, clusterSize: 8, orders: [0], devices: [{ slots: 16, bad: [3] }], physClusterSize: 4, zswapCapacity: 4, memcgMode: 'v2' as const, memcgs: 1 },
  processes: [{ cpu: 0, memcg: 0, ops: [{ op: 'write' as const, page: 1, value: 2 }, { op: 'fork' as const, child: { cpu: 1, memcg: 0, ops: [{ op: 'read' as const, page: 1 }] } }] }],
  background: [{ cpu: 1, ops: [{ op: 'reclaim' as const, nr: 2 }] }],
  schedule: { strategy: 'random' as const, choices: [0, 1, 0] },
};
const trace = makeTrace({ faults: ['zap-leak'], lockdep: true, workload, schedule: ['cpu0', 'cpu1'], failure: { kind: 'leak', message: 'slot 9 leaked' } });

describe('trace files', () => {
  it('round-trip through text unchanged', () => {
    expect(parseTrace(traceText(trace), 't.json')).toEqual(trace);
  });

  it.each([
    ['not JSON', '{', /t\.json: not JSON/],
    ['another format', JSON.stringify({ format: 'x' }), /not a vswap-check trace \(field 'format'/],
    ['a future version', JSON.stringify({ ...trace, version: 9 }), /trace version 9 is not supported/],
    ['a bad op', JSON.stringify({ ...trace, workload: { ...workload, processes: [{ cpu: 0, memcg: 0, ops: [{ op: 'write', page: -1, value: 0 }] }] } }), /field 'workload\.processes\[0\]\.ops\[0\]\.page'/],
    ['a missing schedule', JSON.stringify({ ...trace, schedule: undefined }), /field 'schedule'/],
    ['a bad strategy', JSON.stringify({ ...trace, workload: { ...workload, schedule: { strategy: 'dfs' } } }), /field 'workload\.schedule\.strategy'/],
  ])('reject %s with one line naming the field', (_name, text, message) => {
    let err: unknown;
    try {
      parseTrace(text, 't.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TraceError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('report an unreadable path', () => {
    expect(() => loadTrace('/nonexistent/x.json')).toThrow(/\/nonexistent\/x\.json: cannot read \(ENOENT\)/);
  });

  it('save without overwriting and without leaving temporary files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vswap-traces-'));
    writeFileSync(join(dir, 'leak.json'), 'taken');
    const a = saveTrace(dir, 'leak', trace);
    const b = saveTrace(dir, 'leak', trace);
    expect([a, b].map((p) => p.slice(dir.length + 1))).toEqual(['leak-2.json', 'leak-3.json']);
    expect(readdirSync(dir).sort()).toEqual(['leak-2.json', 'leak-3.json', 'leak.json']);
    expect(loadTrace(a)).toEqual(trace);
  });
});

describe('workload files (explore --workload)', () => {
  const { schedule: _schedule, ...bare } = workload;
  it('take a trace\'s workload object, with or without a schedule (v6 unless it says)', () => {
    expect(parseWorkload(JSON.stringify(workload), 'w.json')).toEqual({ ...workload, config: { ...workload.config, design: 'v6' } });
    expect(parseWorkload(JSON.stringify(bare), 'w.json').schedule).toEqual({ strategy: 'random', choices: [] });
  });

  it.each([
    ['not JSON', '[', /w\.json: not JSON/],
    ['an array', '[]', /not a workload/],
    ['an unknown top-level field', JSON.stringify({ ...bare, seed: 3 }), /field 'seed' is not part of a workload/],
    ['an unknown field deep in an op', JSON.stringify({ ...bare, processes: [{ cpu: 0, memcg: 0, ops: [{ op: 'write', page: 1, value: 2, twice: true }] }] }), /field 'processes\[0\]\.ops\[0\]\.twice' is not part of a workload/],
    ['a bad value', JSON.stringify({ ...bare, config: { ...bare.config, cpus: 0 } }), /field 'config\.cpus'/],
    ['deep nesting', `${'['.repeat(100)}${']'.repeat(100)}`, /nested|not a workload/],
  ])('reject %s with one line', (_name, text, message) => {
    let err: unknown;
    try {
      parseWorkload(text, 'w.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TraceError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });
});

