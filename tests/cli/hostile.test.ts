// Hostile traces: a trace is a file people attach to bug reports, so opening one must be safe. A fuzz test mutates
// real traces (every leaf, and every object or array, set out of range, huge, negative, fractional, wrong-typed or
// deleted) and replays each through the replay command's own code: the answer is always exit 0, 1, 2 or 3, a refusal
// is one line without a stack or control bytes, and nothing is written. Then each hostile input found by hand gets
// its own test (out-of-range values, values that used to hang or exhaust memory, CPUs the machine lacks).
import fc from 'fast-check';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOutcome } from '../../cli/errors.ts';
import { replayFile } from '../../cli/replay.ts';
import { PAGES_PER_PROCESS } from '../../properties/workload.ts';

const REGRESSIONS = 'traces/regressions';
const traces = readdirSync(REGRESSIONS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(REGRESSIONS, f), 'utf8')) as unknown);
const dir = mkdtempSync(join(tmpdir(), 'vswap-hostile-'));

/** Replays `text` as a trace file, in this process, the way the CLI does: the exit code and what it printed. */
function replayText(text: string, name = 't.json'): { code: number; out: string; err: string } {
  const file = join(dir, name);
  writeFileSync(file, text);
  let out = '';
  try {
    return { code: replayFile(file, { json: true }, (s) => void (out += s)), out, err: '' };
  } catch (e) {
    const o = errorOutcome(e);
    return { code: o.code, out, err: `${o.line}\n` };
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Every path into the value: leaves and containers (a schedule keeps its first and last few ids, not all). */
function paths(v: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) {
    const idx = v.map((_, i) => i);
    const keep = at.length === 1 && at[0] === 'schedule' ? [...idx.slice(0, 3), ...idx.slice(-2)] : idx;
    for (const i of keep) out.push(...paths(v[i]!, [...at, i]));
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) out.push(...paths(v[k]!, [...at, k]));
  }
  return out;
}

const DELETE = Symbol('delete');
function setAt(v: Json, path: Path, x: Json | typeof DELETE): Json {
  if (path.length === 0) return x === DELETE ? null : x;
  const [head, ...rest] = path;
  const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, Json>;
  if (rest.length === 0 && x === DELETE) {
    if (Array.isArray(copy)) (copy as Json[]).splice(head as number, 1);
    else delete copy[head!];
  } else copy[head!] = setAt(copy[head!]!, rest, x);
  return copy as Json;
}

// hostile values, and small plausible ones (which the validation lets through, so that the replay itself is fuzzed)
const hostileValue: fc.Arbitrary<Json | typeof DELETE> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Json | typeof DELETE>(DELETE, null, true, '', '1', 'x'.repeat(5000), [], {}, -1, 1.5, 2 ** 31, 2 ** 53 - 1, 1e9, -1e9, 1e308) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 5000 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 8 }) },
);

describe('hostile traces', () => {
  it('every mutation of a real trace ends in exit 0-3; a refusal is one clean line and nothing is written', () => {
    const cases = fc
      .tuple(fc.nat(traces.length - 1), fc.nat(), fc.array(hostileValue, { minLength: 1, maxLength: 2 }), fc.array(fc.nat(), { minLength: 3, maxLength: 3 }))
      .map(([t, _p, values, picks]) => {
        let v = traces[t] as Json;
        values.forEach((x, i) => {
          const ps = paths(v);
          v = setAt(v, ps[picks[i]! % ps.length]!, x);
        });
        return v;
      });
    const rssBefore = process.memoryUsage().rss;
    const codes = new Map<number, number>();
    fc.assert(
      fc.property(cases, (v) => {
        const r = replayText(JSON.stringify(v));
        codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
        expect([0, 1, 2, 3], r.err).toContain(r.code);
        if (r.code === 2) {
          expect(r.err.trimEnd().split('\n'), r.err).toHaveLength(1);
          expect(r.err).not.toMatch(/\n\s+at |[\u0000-\u0008\u000b-\u001f\u007f]/);
        }
        expect(readdirSync(dir)).toEqual(['t.json']);
      }),
      { numRuns: 500, seed: 20261130 },
    );
    // the mutations reach the replay itself too, not only the validation (mutated values the port accepts)
    expect((codes.get(0) ?? 0) + (codes.get(1) ?? 0) + (codes.get(3) ?? 0), JSON.stringify([...codes])).toBeGreaterThan(50);
    // nothing a trace can ask for holds on to memory (a 1e9-slot device used to take 3 GB)
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 2 ** 20);
  });

  const base = JSON.parse(readFileSync(join(REGRESSIONS, 'double-free.json'), 'utf8')) as Record<string, any>;
  const edit = (f: (t: Record<string, any>) => void): string => {
    const t = structuredClone(base);
    f(t);
    return JSON.stringify(t);
  };
  const refused = (text: string, field: RegExp): void => {
    const r = replayText(text);
    expect(r.code, r.err || r.out).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(field);
  };

  // 1. out-of-range values used to end in "internal error" (exit 70)
  it.each<[string, (t: Record<string, any>) => void, RegExp]>([
    ['a memcg the machine lacks', (t) => void (t.workload.processes[0].memcg = 7), /processes\[0\]\.memcg'.*memcg 7 does not exist|processes\[0\]\.memcg'.*less than or equal/],
    ['a cluster of 3 slots', (t) => void (t.workload.config.clusterSize = 3), /config\.clusterSize'.*power of two/],
    ['an order larger than the cluster', (t) => void ((t.workload.config.clusterSize = 4), (t.workload.config.orders = [0, 1, 2, 3])), /config\.orders\[3\]'.*does not fit/],
    ['a bad slot past the device', (t) => void (t.workload.config.devices[0].bad = [t.workload.config.devices[0].slots]), /devices\[0\]\.bad\[0\]'/],
    ['physical clusters larger than the device', (t) => void ((t.workload.config.physClusterSize = 64), (t.workload.config.devices[0].slots = 16)), /devices\[0\]\.slots'.*whole number of 64-slot clusters/],
    [
      'forks nested 1000 deep',
      (t) => {
        let p = { cpu: 0, memcg: 0, ops: [{ op: 'read', page: 0 }] } as Record<string, unknown>;
        for (let i = 0; i < 1000; i++) p = { cpu: 0, memcg: 0, ops: [{ op: 'fork', child: p }] };
        t.workload.processes = [p];
      },
      /nested deeper than 64 levels/,
    ],
  ])('1. %s is refused naming the field', (_name, f, field) => refused(edit(f), field));

  // 2. values that used to hang or exhaust memory are refused by the bounds
  it.each<[string, (t: Record<string, any>) => void, RegExp]>([
    ['a write to page 2^53-1', (t) => void (t.workload.processes[0].ops = [{ op: 'write', page: 2 ** 53 - 1, value: 1 }]), /ops\[0\]\.page'/],
    ['a munmap of 2^53-1 pages', (t) => void (t.workload.processes[0].ops = [{ op: 'munmap', start: 0, nr: 2 ** 53 - 1 }]), /ops\[0\]\.nr'/],
    ['a device of 1e9 slots', (t) => void (t.workload.config.devices[0].slots = 1e9), /devices\[0\]\.slots'/],
    ['1e9 memcgs', (t) => void (t.workload.config.memcgs = 1e9), /config\.memcgs'/],
    ['a pageout of 1e9 pages', (t) => void (t.workload.processes[0].ops = [{ op: 'pageout', start: 0, nr: 1e9 }]), /ops\[0\]\.nr'/],
  ])('2. %s is refused naming the field', (_name, f, field) => refused(edit(f), field));

  // 3. values the port used to accept silently
  it.each<[string, (t: Record<string, any>) => void, RegExp]>([
    ['a process on a CPU the machine lacks', (t) => void ((t.workload.config.cpus = 2), (t.workload.processes[0].cpu = 5)), /processes\[0\]\.cpu'.*CPU5 does not exist: the machine has 2 CPUs/],
    [
      'a kthread on a CPU the machine lacks',
      (t) => void ((t.workload.config.cpus = 8), (t.workload.background = [{ cpu: 8, ops: [{ op: 'reclaim', nr: 1 }] }])),
      /background\[0\]\.cpu'/,
    ],
    [
      'a CPU taken offline that the machine lacks',
      (t) => void ((t.workload.config.cpus = 4), (t.workload.background = [{ cpu: 1, ops: [{ op: 'cpuOffline', cpu: 5 }] }])),
      /background\[0\]\.ops\[0\]\.cpu'.*CPU5 does not exist/,
    ],
    ['a start beyond the process pages', (t) => void (t.workload.processes[0].ops = [{ op: 'pageout', start: PAGES_PER_PROCESS, nr: 1 }]), /ops\[0\]\.start'/],
    ['an empty failure kind', (t) => void (t.failure = { kind: '', message: 'x' }), /failure\.kind'/],
    ['a schedule longer than any replay', (t) => void (t.schedule = Array.from({ length: 200_000 }, () => 'P0')), /field 'schedule'/],
  ])('3. %s is refused naming the field', (_name, f, field) => refused(edit(f), field));

  it('3. a schedule with unused entries at its end is not the recorded run (exit 3)', () => {
    const r = replayText(edit((t) => void t.schedule.push(...Array.from({ length: 1000 }, () => t.schedule.at(-1)))));
    expect(r.code).toBe(3);
    expect((JSON.parse(r.out) as { failure: { kind: string } }).failure.kind).toBe('replay-mismatch');
    // while the committed trace itself reproduces exactly
    expect(replayText(JSON.stringify(base)).code).toBe(1);
  });

  // 6. refusals are one line and echo no control bytes
  it.each<[string, string, RegExp]>([
    ['not JSON, with a newline in it', '{\n  "format": \n', /not JSON/],
    ['binary garbage', '\u0000\u0001\u001b[31mred\u0007\u00ff', /not JSON/],
    ['a version given as a string', JSON.stringify({ ...base, version: '1' }), /field 'version' must be the number 1, got "1"/],
    ['a JSON array', '[1, 2]', /a trace is a JSON object/],
  ])('6. %s: one clean line', (_name, text, message) => {
    const r = replayText(text);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('6. a byte-order mark before a real trace is not an error', () => {
    expect(replayText(`\ufeff${JSON.stringify(base)}`).code).toBe(1);
  });
});
