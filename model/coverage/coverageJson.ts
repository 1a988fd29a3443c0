// Coverage records on disk: plain JSON, validated on the way in so that a truncated or hand-edited file is
// rejected with the name of the field that is wrong rather than silently counted as zero.
import { splitId } from '../chartIds.ts';
import { COVERAGE_FORMAT_VERSION, RACE_KINDS, coverageFromCounts, racesFromCounts, type CoverageRecord, type RaceCounts } from './coverageRecord.ts';

export function coverageToJSON(record: CoverageRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

export class CoverageFormatError extends Error {}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readCounts(doc: Record<string, unknown>, field: 'states' | 'transitions'): Record<string, number> {
  const counts = doc[field];
  if (!isPlainObject(counts)) throw new CoverageFormatError(`coverage JSON: '${field}' must be an object of hit counts`);
  const out: Record<string, number> = {};
  for (const [id, n] of Object.entries(counts)) {
    if (splitId(id) === undefined) {
      throw new CoverageFormatError(`coverage JSON: ${field}[${JSON.stringify(id)}] is not a 'chart:...' id`);
    }
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new CoverageFormatError(
        `coverage JSON: ${field}[${JSON.stringify(id)}] must be a non-negative integer, got ${JSON.stringify(n)}`,
      );
    }
    out[id] = n;
  }
  return out;
}

/** Parses and validates; throws CoverageFormatError naming the bad field. Accepts text or an already parsed value. */
export function coverageFromJSON(input: string | unknown): CoverageRecord {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (err) {
      throw new CoverageFormatError(`coverage JSON: not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  if (!isPlainObject(doc)) throw new CoverageFormatError('coverage JSON: the document must be an object');
  if (doc.version !== COVERAGE_FORMAT_VERSION) {
    throw new CoverageFormatError(
      `coverage JSON: 'version' must be ${COVERAGE_FORMAT_VERSION}, got ${JSON.stringify(doc.version)}`,
    );
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'version' && key !== 'states' && key !== 'transitions' && key !== 'races') {
      throw new CoverageFormatError(`coverage JSON: unknown field '${key}'`);
    }
  }
  const chart = coverageFromCounts(readCounts(doc, 'states'), readCounts(doc, 'transitions'));
  return doc.races === undefined ? chart : { ...chart, races: readRaces(doc.races) };
}

function readRaces(races: unknown): RaceCounts {
  if (!isPlainObject(races)) throw new CoverageFormatError("coverage JSON: 'races' must be an object");
  const counts = {} as Record<(typeof RACE_KINDS)[number], Record<string, number>>;
  for (const key of Object.keys(races)) {
    if (!(RACE_KINDS as readonly string[]).includes(key)) throw new CoverageFormatError(`coverage JSON: unknown field 'races.${key}'`);
  }
  for (const kind of RACE_KINDS) {
    const c = races[kind];
    if (!isPlainObject(c)) throw new CoverageFormatError(`coverage JSON: 'races.${kind}' must be an object of hit counts`);
    const parts = kind === 'contention' ? 3 : 2;
    counts[kind] = {};
    for (const [id, n] of Object.entries(c)) {
      if (id.split('|').length !== parts || id.split('|').some((p) => p === '')) {
        throw new CoverageFormatError(`coverage JSON: races.${kind}[${JSON.stringify(id)}] is not a '${parts === 2 ? 'a|b' : 'lock|waiter|holder'}' key`);
      }
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
        throw new CoverageFormatError(`coverage JSON: races.${kind}[${JSON.stringify(id)}] must be a non-negative integer, got ${JSON.stringify(n)}`);
      }
      counts[kind][id] = n;
    }
  }
  return racesFromCounts(counts);
}
