import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coverageFromJSON, coverageToJSON } from '../../../model/coverage/coverageJson.ts';
import { coverageFromCounts } from '../../../model/coverage/coverageRecord.ts';

const id = fc.tuple(fc.constantFrom('virtual', 'physical'), fc.string({ minLength: 1, maxLength: 20 })).map(([c, l]) => `${c}:${l}`);
const counts = fc.dictionary(id, fc.integer({ min: 0, max: 2 ** 40 }), { maxKeys: 8 });

describe('coverage JSON', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(counts, counts, (s, t) => {
        const record = coverageFromCounts(s, t);
        expect(coverageFromJSON(coverageToJSON(record))).toEqual(record);
      }),
    );
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['not an object', '[]', /document must be an object/],
    ['wrong version', '{"version":2,"states":{},"transitions":{}}', /'version' must be 1, got 2/],
    ['missing states', '{"version":1,"transitions":{}}', /'states' must be an object/],
    ['negative count', '{"version":1,"states":{"virtual:free":-1},"transitions":{}}', /states\["virtual:free"\] must be a non-negative integer, got -1/],
    ['fractional count', '{"version":1,"states":{},"transitions":{"virtual:x":1.5}}', /transitions\["virtual:x"\] must be a non-negative integer/],
    ['string count', '{"version":1,"states":{"virtual:free":"3"},"transitions":{}}', /states\["virtual:free"\].*got "3"/],
    ['id without chart', '{"version":1,"states":{"free":1},"transitions":{}}', /states\["free"\] is not a 'chart:...' id/],
    ['unknown field', '{"version":1,"states":{},"transitions":{},"extra":1}', /unknown field 'extra'/],
  ])('rejects %s naming the field', (_name, text, message) => {
    expect(() => coverageFromJSON(text)).toThrow(message);
  });
});
