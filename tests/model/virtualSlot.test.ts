import { describe, expect, it } from 'vitest';
import { getShortestPaths } from '@xstate/graph';
import { chartBasis } from '../../model/coverage/chartBasis.ts';
import { chartShortestPaths } from '../../model/coverage/chartGraph.ts';
import { VIRTUAL_CHART } from '../../model/charts.ts';
import type { VirtualEventType } from '../../model/events.ts';
import { formatVirtualState } from '../../model/format.ts';
import { initialVirtual, stepVirtual } from '../../model/refine.ts';
import type { VirtualSnapshot } from '../../model/snapshots.ts';
import { virtualSlotMachine } from '../../model/virtualSlot.ts';

function run(events: readonly VirtualEventType[]): VirtualSnapshot {
  let s = initialVirtual();
  for (const type of events) {
    const r = stepVirtual(s, { type });
    if (!r.ok) throw new Error(`${type} refused: ${r.reason}`);
    s = r.snapshot;
  }
  return s;
}

function expectRefused(s: VirtualSnapshot, type: VirtualEventType): void {
  expect(s.can({ type })).toBe(false);
  const r = stepVirtual(s, { type });
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.reason).toContain(type);
}

describe('virtual slot chart', () => {
  it('names the mission states', () => {
    const paths = chartBasis(virtualSlotMachine).states.map((s) => s.path);
    for (const name of ['free', 'allocated', 'allocated.cache.cached', 'allocated.backing.zswapped', 'allocated.backing.onDisk']) {
      expect(paths).toContain(name);
    }
  });

  it('reaches every state it defines (shortest paths from the initial state)', () => {
    const reached = new Set<string>();
    for (const path of chartShortestPaths(VIRTUAL_CHART)) {
      for (const node of path.state._nodes) reached.add(node.path.join('.'));
    }
    const defined = chartBasis(virtualSlotMachine).states.map((s) => s.path);
    expect(defined.filter((p) => !reached.has(p))).toEqual([]);
  });

  it('the graph utilities bound the traversal even though swap_count is unbounded', () => {
    // Without a bounded serialization the counter would make the graph infinite; with it, every path is short.
    const paths = getShortestPaths(virtualSlotMachine, {
      events: VIRTUAL_CHART.events.map((type) => ({ type })) as never,
      serializeState: (s) => `${JSON.stringify(s.value)}|${Math.min(s.context.swapCount, 2)}`,
    });
    expect(paths.length).toBeGreaterThan(10);
    expect(Math.max(...paths.map((p) => p.steps.length))).toBeLessThan(10);
  });

  it('ALLOC starts cached, folio-backed, with swap_count 0', () => {
    expect(formatVirtualState(run(['ALLOC']))).toBe('allocated.{cached,folio} count=0');
  });

  it('runs a swap-out, zswap writeback, swap-in and free', () => {
    const s = run(['ALLOC', 'DUP', 'STORE_ZSWAP', 'CACHE_DEL', 'CACHE_ADD', 'ZSWAP_WRITEBACK', 'CACHE_DEL', 'CACHE_ADD', 'LOAD', 'PUT']);
    expect(formatVirtualState(s)).toBe('allocated.{cached,onDisk} count=0');
    expect(formatVirtualState(run(['ALLOC', 'DUP', 'PUT', 'CACHE_DEL', 'FREE']))).toBe('free');
  });

  it('refuses to free a free slot', () => {
    expectRefused(initialVirtual(), 'FREE');
    expectRefused(run(['ALLOC', 'CACHE_DEL', 'FREE']), 'FREE');
  });

  it('refuses FREE while cached or while PTEs still refer to the slot', () => {
    expectRefused(run(['ALLOC']), 'FREE');
    expectRefused(run(['ALLOC', 'DUP', 'STORE_SWAPFILE', 'CACHE_DEL']), 'FREE');
  });

  it('refuses PUT at count 0 (the count never goes below zero)', () => {
    expectRefused(run(['ALLOC']), 'PUT');
    expectRefused(run(['ALLOC', 'DUP', 'PUT']), 'PUT');
  });

  it('refuses DUP of a freed or dead slot', () => {
    expectRefused(run(['ALLOC', 'CACHE_DEL', 'FREE']), 'DUP');
    expectRefused(run(['ALLOC', 'CACHE_DEL']), 'DUP');
    expect(run(['ALLOC', 'DUP', 'STORE_ZERO', 'CACHE_DEL', 'DUP']).context.swapCount).toBe(2);
  });

  it('refuses CACHE_DEL of a folio-backed slot that PTEs still reference', () => {
    expectRefused(run(['ALLOC', 'DUP']), 'CACHE_DEL');
    expect(stepVirtual(run(['ALLOC']), { type: 'CACHE_DEL' }).ok).toBe(true);
    expect(stepVirtual(run(['ALLOC', 'DUP', 'STORE_ZERO']), { type: 'CACHE_DEL' }).ok).toBe(true);
  });

  it('refuses CACHE_ADD when already cached (-EEXIST) or dead (-ENOENT)', () => {
    expectRefused(run(['ALLOC', 'DUP']), 'CACHE_ADD');
    expectRefused(run(['ALLOC', 'CACHE_DEL']), 'CACHE_ADD');
  });

  it('refuses stores, writeback, LOAD and swapoff unless the folio is in the swap cache', () => {
    const uncached = run(['ALLOC', 'DUP', 'STORE_ZSWAP', 'CACHE_DEL']);
    for (const type of ['STORE_ZERO', 'STORE_ZSWAP', 'STORE_SWAPFILE', 'STORE_FOLIO', 'ZSWAP_WRITEBACK', 'LOAD'] as const) {
      expectRefused(uncached, type);
    }
    expectRefused(run(['ALLOC', 'DUP', 'STORE_SWAPFILE', 'CACHE_DEL']), 'SWAPOFF_UNUSE');
  });

  it('refuses LOAD of a folio-backed slot and ZSWAP_WRITEBACK of a slot not in zswap', () => {
    expectRefused(run(['ALLOC', 'DUP']), 'LOAD');
    expectRefused(run(['ALLOC', 'DUP', 'STORE_ZERO']), 'ZSWAP_WRITEBACK');
  });

  it('refuses every event but ALLOC on a free slot', () => {
    for (const type of VIRTUAL_CHART.events as readonly VirtualEventType[]) {
      if (type !== 'ALLOC') expectRefused(initialVirtual(), type);
    }
  });
});
