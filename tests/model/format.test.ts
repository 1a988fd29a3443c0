import { describe, expect, it } from 'vitest';
import { formatStateValue, formatStep } from '../../model/format.ts';

describe('state formatting', () => {
  it('flattens parallel regions into braces', () => {
    expect(formatStateValue('free')).toBe('free');
    expect(formatStateValue({ allocated: { cache: 'uncached', backing: 'onDisk' } })).toBe('allocated.{uncached,onDisk}');
    expect(formatStateValue({ a: { b: 'c' } })).toBe('a.b.c');
  });

  it('prints a step as state --EVENT--> state', () => {
    expect(formatStep('free', 'ALLOC', 'allocated.{cached,folio} count=0')).toBe(
      'free --ALLOC--> allocated.{cached,folio} count=0',
    );
  });
});
