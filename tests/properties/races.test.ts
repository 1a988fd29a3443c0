// Race coverage: which entry points were in flight together on one cluster or slot, and lock contention; merged
// and read back like chart coverage; and steering, which picks op-mix profiles by the race coverage they find.
import { describe, expect, it } from 'vitest';
import { coverageFromJSON, coverageToJSON, CoverageFormatError } from '../../model/coverage/coverageJson.ts';
import { emptyCoverage, mergeCoverage } from '../../model/coverage/coverageRecord.ts';
import { coverageHtml } from '../../model/coverage/htmlReport.ts';
import { execute } from '../../properties/execute.ts';
import { hunt } from '../../properties/hunt.ts';
import { ENTRY_POINTS, RaceRecorder } from '../../properties/races.ts';
import { summarizeRaces } from '../../model/coverage/raceReport.ts';
import { PROFILES, Steering } from '../../properties/steer.ts';
import type { Workload } from '../../properties/workload.ts';

/** Two threads of one process fault the same swapped-out page. */
const twoFaults = (seed: number): Workload => ({
  config: { design: 'v6', cpus: 2, clusterSize: 8, orders: [0], devices: [{ slots: 16, bad: [] }], physClusterSize: 4, zswapCapacity: 4, memcgMode: 'v2', memcgs: 1 },
  processes: [
    {
      cpu: 0,
      memcg: 0,
      ops: [{ op: 'write', page: 0, value: 1 }, { op: 'pageout', start: 0, nr: 1 }, { op: 'read', page: 0 }],
      threads: [{ cpu: 1, ops: [{ op: 'read', page: 0 }, { op: 'read', page: 0 }] }],
    },
  ],
  background: [],
  schedule: { strategy: 'pct', seed, depth: 2, k: 250 },
});

describe('race coverage', () => {
  it('sees two faults on one page in flight together on its cluster and slot, and who waited for whom', () => {
    const r = new RaceRecorder();
    for (let seed = 0; seed < 30; seed++) expect(execute(twoFaults(seed), { faults: [], races: r }).failure).toBeNull();
    const rec = r.toRecord();
    expect(rec.cluster['do_swap_page|do_swap_page']).toBeGreaterThan(0);
    expect(rec.slot['do_swap_page|do_swap_page']).toBeGreaterThan(0);
    expect(Object.keys(rec.contention).some((k) => k.endsWith('|do_swap_page|do_swap_page'))).toBe(true);
    // a single thread never overlaps with itself
    const alone = new RaceRecorder();
    const w = twoFaults(1);
    execute({ ...w, processes: [{ ...w.processes[0]!, threads: [] }] }, { faults: [], races: alone });
    expect(alone.toRecord().cluster['do_swap_page|do_swap_page']).toBeUndefined();
  });

  it('merges by summing, survives the JSON round trip, rejects malformed race fields, and draws the matrix', async () => {
    const r = new RaceRecorder();
    for (let seed = 0; seed < 10; seed++) execute(twoFaults(seed), { faults: [], races: r });
    const a = { ...emptyCoverage(), races: r.toRecord() };
    const both = mergeCoverage(a, a);
    const key = Object.keys(a.races.cluster)[0]!;
    expect(both.races!.cluster[key]).toBe(2 * a.races.cluster[key]!);
    expect(coverageFromJSON(coverageToJSON(both))).toEqual(both);
    // a record from before race coverage merges with one that has it
    expect(mergeCoverage(emptyCoverage(), a).races).toEqual(a.races);
    const bad = JSON.parse(coverageToJSON(a)) as { races: { cluster: Record<string, unknown> } };
    bad.races.cluster['no-bar'] = 1;
    expect(() => coverageFromJSON(bad)).toThrow(CoverageFormatError);
    expect(() => coverageFromJSON(bad)).toThrow(/races\.cluster\["no-bar"\]/);
    const html = await coverageHtml(both, { raceEntries: ENTRY_POINTS });
    expect(html).toContain('Race coverage');
    expect(html).toContain('class="never"');
    const s = summarizeRaces(both.races, ENTRY_POINTS);
    expect(s.pairs).toBe((ENTRY_POINTS.length * (ENTRY_POINTS.length + 1)) / 2);
    expect(s.cluster).toBeGreaterThan(0);
  });
});

describe('steering', () => {
  it('tries every profile once, then favours the one that keeps finding new keys', () => {
    const st = new Steering(PROFILES);
    const order: number[] = [];
    for (let i = 0; i < PROFILES.length; i++) {
      const p = st.pick();
      order.push(p);
      st.update(p, p === 3 ? 5 : 0, 50);
    }
    expect(order).toEqual(PROFILES.map((_, i) => i));
    let favoured = 0;
    for (let i = 0; i < 40; i++) {
      const p = st.pick();
      if (p === 3) favoured++;
      st.update(p, p === 3 ? 5 : 0, 50);
    }
    expect(favoured).toBeGreaterThan(20);
  });

  it('is deterministic: the same seed steers the same way and reaches the same coverage', async () => {
    const run = () => hunt({ seed: 11, runs: 600, seconds: 120, strategy: 'mixed', faults: [], steer: true });
    const a = await run();
    const b = await run();
    expect(b.steering).toEqual(a.steering);
    expect(b.coverage).toEqual(a.coverage);
    expect(a.steering.filter((s) => s.epochs > 0).length).toBeGreaterThan(3);
  });
});
