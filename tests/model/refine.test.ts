import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkVirtual } from '../../model/abstraction.ts';
import { chartBasis } from '../../model/coverage/chartBasis.ts';
import { CoverageRecorder } from '../../model/coverage/coverageRecorder.ts';
import { coverageText, summarizeCoverage } from '../../model/coverage/textReport.ts';
import { transitionTour } from '../../model/coverage/transitionTour.ts';
import { CHARTS, PHYSICAL_CHART, VIRTUAL_CHART } from '../../model/charts.ts';
import {
  VIRTUAL_EVENT_TYPES,
  type PhysicalEventType,
  type SwapType,
  type VirtualEventType,
  type VirtualSlotView,
} from '../../model/events.ts';
import { initialPhysical, initialVirtual, stepPhysical, stepVirtual } from '../../model/refine.ts';

describe('transition tour', () => {
  it('walks every defined transition of both charts; coverage then shows 100%', () => {
    const recorder = new CoverageRecorder();
    for (const chart of CHARTS) {
      const tour = transitionTour(chart);
      expect(tour.unreachable).toEqual([]);
      for (const leg of tour.legs) {
        const step = chart === VIRTUAL_CHART ? stepVirtual : stepPhysical;
        let s = (chart === VIRTUAL_CHART ? initialVirtual() : initialPhysical()) as never;
        recorder.recordInitial(chart.machine, s);
        let last: string | undefined;
        for (const type of leg.events) {
          const r = step(s, { type } as never);
          if (!r.ok) throw new Error(`tour leg for ${leg.transition}: ${r.reason}`);
          recorder.recordStep(r);
          s = r.snapshot as never;
          last = r.transition;
        }
        expect(last).toBe(leg.transition);
      }
    }
    const record = recorder.toRecord();
    for (const chart of CHARTS) {
      const summary = summarizeCoverage(record, chart);
      expect(summary.states).toMatchObject({ covered: summary.states.total, unreached: [] });
      expect(summary.transitions).toMatchObject({ covered: summary.transitions.total, unreached: [] });
      expect(summary.transitions.total).toBe(chartBasis(chart.machine).transitions.length);
    }
    expect(coverageText(record)).not.toContain('never');
  });
});

// An independent, descriptor-level statement of the kernel rules (mm/vswap.c) to check the chart against.
type Ref = VirtualSlotView;
const FREE_REF: Ref = { allocated: false, swapCount: 0, inSwapcache: false, type: 'FOLIO' };
function refStep(d: Ref, e: VirtualEventType): Ref | undefined {
  const alive = d.allocated;
  const store = (type: SwapType) => (alive && d.inSwapcache ? { ...d, type } : undefined);
  switch (e) {
    case 'ALLOC':
      return alive ? undefined : { allocated: true, swapCount: 0, inSwapcache: true, type: 'FOLIO' };
    case 'DUP':
      return alive && (d.swapCount > 0 || d.inSwapcache) ? { ...d, swapCount: d.swapCount + 1 } : undefined;
    case 'PUT':
      return alive && d.swapCount > 0 ? { ...d, swapCount: d.swapCount - 1 } : undefined;
    case 'CACHE_ADD':
      return alive && !d.inSwapcache && d.swapCount > 0 ? { ...d, inSwapcache: true } : undefined;
    case 'CACHE_DEL':
      return alive && d.inSwapcache && (d.type !== 'FOLIO' || d.swapCount === 0) ? { ...d, inSwapcache: false } : undefined;
    case 'STORE_ZERO':
      return store('ZERO');
    case 'STORE_ZSWAP':
      return store('ZSWAP');
    case 'STORE_SWAPFILE':
      return store('SWAPFILE');
    case 'STORE_FOLIO':
      return store('FOLIO');
    case 'ZSWAP_WRITEBACK':
      return d.type === 'ZSWAP' ? store('SWAPFILE') : undefined;
    case 'SWAPOFF_UNUSE':
      return d.type === 'SWAPFILE' ? store('FOLIO') : undefined;
    case 'LOAD':
      return d.type !== 'FOLIO' ? store(d.type) : undefined;
    case 'FREE':
      return alive && d.swapCount === 0 && !d.inSwapcache ? FREE_REF : undefined;
  }
}

describe('refinement stepper', () => {
  it('accepts exactly what the kernel rules allow, and lands where the descriptor says', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VIRTUAL_EVENT_TYPES), { maxLength: 60 }), (events) => {
        let s = initialVirtual();
        let d = FREE_REF;
        for (const type of events) {
          const expected = refStep(d, type);
          const r = stepVirtual(s, { type });
          expect(r.ok).toBe(expected !== undefined);
          expect(s.can({ type })).toBe(expected !== undefined);
          if (r.ok && expected !== undefined) {
            s = r.snapshot;
            d = expected;
          }
          expect(checkVirtual(s, d)).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leaves the snapshot unchanged when it refuses', () => {
    const s = initialVirtual();
    const r = stepVirtual(s, { type: 'FREE' });
    expect(r).toEqual({ ok: false, reason: 'chart refuses FREE in free' });
  });

  it('names the transition taken and the states entered', () => {
    const r = stepVirtual(initialVirtual(), { type: 'ALLOC' });
    expect(r.ok && r.transition).toBe('virtual:free --ALLOC--> allocated');
    expect(r.ok && [...r.entered].sort()).toEqual([
      'virtual:allocated',
      'virtual:allocated.backing',
      'virtual:allocated.backing.folio',
      'virtual:allocated.cache',
      'virtual:allocated.cache.cached',
    ]);
    const bad = stepPhysical(initialPhysical(), { type: 'MARK_BAD' as PhysicalEventType });
    expect(bad.ok && bad.transition).toBe('physical:free --MARK_BAD--> bad');
    expect(bad.ok && bad.entered).toEqual(['physical:bad']);
  });

  it('counts an internal transition (LOAD) without entering any state', () => {
    let s = initialVirtual();
    for (const type of ['ALLOC', 'DUP', 'STORE_ZERO'] as const) {
      const r = stepVirtual(s, { type });
      if (!r.ok) throw new Error(r.reason);
      s = r.snapshot;
    }
    const r = stepVirtual(s, { type: 'LOAD' });
    expect(r.ok && r.transition).toBe('virtual:allocated.backing.zero --LOAD--> allocated.backing.zero');
    expect(r.ok && r.entered).toEqual([]);
  });

  it('physical chart ids are prefixed by their chart', () => {
    expect(chartBasis(PHYSICAL_CHART.machine).transitions.every((t) => t.id.startsWith('physical:'))).toBe(true);
  });
});
