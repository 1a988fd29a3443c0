// Loading a trace file: every way it can be unusable becomes one clear line naming the file and the field. The file
// may come from anywhere (a bug report, a mailing list), so its size, nesting and every value are bounded first.
import { FileError, readTextFile } from './fs.ts';
import { TRACE_FORMAT, TRACE_LIMITS, TRACE_VERSION, traceSchema, workloadSchema, type Trace } from './schema.ts';
import type { ZodError } from 'zod';
import type { Workload } from '../properties/workload.ts';

export class TraceError extends Error {}

/** Deepest JSON nesting a valid trace has is about 25 (four fork levels); anything far deeper is not a trace. */
const MAX_NESTING = 64;

/** Text from the file, shown in one line: control characters and anything past 80 characters are not echoed. */
export function oneLine(s: string, max = 200): string {
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => (ch === '\n' || ch === '\r' || ch === '\t' ? ' ' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

function nesting(v: unknown): number {
  // iterative, so that a hostile nesting cannot overflow the stack here
  let deepest = 0;
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    deepest = Math.max(deepest, d);
    if (deepest > MAX_NESTING) return deepest;
    for (const y of Array.isArray(x) ? x : Object.values(x)) stack.push([y, d + 1]);
  }
  return deepest;
}

function parseJson(raw: string, where: string, what: string): unknown {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw; // an editor's byte-order mark is not an error
  try {
    return JSON.parse(text);
  } catch (err) {
    const why = err instanceof RangeError ? 'nested too deeply' : oneLine(err instanceof Error ? err.message : String(err), 120);
    throw new TraceError(`${where}: not JSON (${why}); ${what}`);
  }
}

/** The first schema issue, as 'field 'a.b[2]': message'. */
function firstIssue(error: ZodError): string {
  const issue = error.issues[0]!;
  return `field '${oneLine(fieldName(issue.path as (string | number)[]), 120)}': ${oneLine(issue.message, 160)}`;
}

function fieldName(path: readonly (string | number)[]): string {
  return path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
}

/** The path of the first key in `input` that validation dropped from `parsed` (zod strips unknown keys), or null. */
function unknownKey(input: unknown, parsed: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof input !== 'object' || input === null || typeof parsed !== 'object' || parsed === null) return null;
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const k = unknownKey(input[i], (parsed as unknown[])[i], [...path, i]);
      if (k) return k;
    }
    return null;
  }
  for (const [key, value] of Object.entries(input)) {
    if (!(key in parsed)) return [...path, key];
    const k = unknownKey(value, (parsed as Record<string, unknown>)[key], [...path, key]);
    if (k) return k;
  }
  return null;
}

/**
 * A workload file (explore --workload): the `workload` object of a trace, whose `schedule` may be left out (explore
 * enumerates the schedules). Strict: a field the format does not have is an error, not silently ignored.
 */
export function parseWorkload(raw: string, where: string): Workload {
  const json = parseJson(raw, where, "a workload is a JSON object like a trace's 'workload' field");
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TraceError(`${where}: not a workload (a workload is a JSON object with config, processes and background)`);
  if (nesting(json) > MAX_NESTING) throw new TraceError(`${where}: nested deeper than ${MAX_NESTING} levels: not a workload`);
  const input = { schedule: { strategy: 'random', choices: [] }, ...(json as Record<string, unknown>) };
  const r = workloadSchema.safeParse(input);
  if (!r.success) throw new TraceError(`${where}: ${firstIssue(r.error)}`);
  const extra = unknownKey(input, r.data);
  if (extra) throw new TraceError(`${where}: field '${oneLine(fieldName(extra), 120)}' is not part of a workload (see a trace's 'workload' field for the format)`);
  return withDesign(r.data);
}

/** A file's text, read up to the trace size bound; an unreadable file is a TraceError naming it. */
function readBounded(path: string): string {
  try {
    return readTextFile(path, TRACE_LIMITS.fileBytes);
  } catch (err) {
    throw err instanceof FileError ? new TraceError(err.message) : err;
  }
}

export function loadWorkload(path: string): Workload {
  return parseWorkload(readBounded(path), path);
}

export function parseTrace(raw: string, where: string): Trace {
  const json = parseJson(raw, where, 'a trace is the JSON file a hunt saves');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TraceError(`${where}: not a vswap-check trace (a trace is a JSON object)`);
  const o = json as Record<string, unknown>;
  if (o.format !== TRACE_FORMAT) throw new TraceError(`${where}: not a vswap-check trace (field 'format' must be '${TRACE_FORMAT}')`);
  if (o.version !== TRACE_VERSION) {
    const v = typeof o.version === 'number' ? `trace version ${o.version} is not supported` : `field 'version' must be the number ${TRACE_VERSION}, got ${oneLine(JSON.stringify(o.version) ?? 'nothing', 40)}`;
    throw new TraceError(`${where}: ${v} (this vswap-check reads version ${TRACE_VERSION})`);
  }
  if (nesting(json) > MAX_NESTING) throw new TraceError(`${where}: nested deeper than ${MAX_NESTING} levels: not a trace this tool writes`);
  const r = traceSchema.safeParse(json);
  if (!r.success) throw new TraceError(`${where}: ${firstIssue(r.error)}`);
  return r.data;
}

export function loadTrace(path: string): Trace {
  return parseTrace(readBounded(path), path);
}

/** The trace's workload; a trace from before the designs existed is a v6 one. */
export function traceWorkload(t: Trace): Workload {
  return withDesign(t.workload);
}

/** A validated workload as the port takes it: one without a design (written before designs existed) is v6. */
function withDesign(w: Trace['workload']): Workload {
  return { ...(w as unknown as Workload), config: { ...(w.config as Workload['config']), design: w.config.design ?? 'v6' } };
}
