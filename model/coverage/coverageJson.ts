// Coverage records on disk: plain JSON, validated on the way in so that a truncated or hand-edited file is
// rejected with the name of the field that is wrong rather than silently counted as zero.
import { splitId } from '../chartIds.ts';
import { COVERAGE_FORMAT_VERSION, coverageFromCounts, type CoverageRecord } from './coverageRecord.ts';

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
    if (key !== 'version' && key !== 'states' && key !== 'transitions') {
      throw new CoverageFormatError(`coverage JSON: unknown field '${key}'`);
    }
  }
  return coverageFromCounts(readCounts(doc, 'states'), readCounts(doc, 'transitions'));
}
