// Loading a trace file: every way it can be unusable becomes one clear line naming the file and the field. The file
// may come from anywhere (a bug report, a mailing list), so its size, nesting and every value are bounded first.
import { FileError, readTextFile } from './fs.ts';
import { TRACE_FORMAT, TRACE_LIMITS, TRACE_VERSION, traceSchema, type Trace } from './schema.ts';
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

export function parseTrace(raw: string, where: string): Trace {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw; // an editor's byte-order mark is not an error
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const why = err instanceof RangeError ? 'nested too deeply' : oneLine(err instanceof Error ? err.message : String(err), 120);
    throw new TraceError(`${where}: not JSON (${why}); a trace is the JSON file a hunt saves`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TraceError(`${where}: not a vswap-check trace (a trace is a JSON object)`);
  const o = json as Record<string, unknown>;
  if (o.format !== TRACE_FORMAT) throw new TraceError(`${where}: not a vswap-check trace (field 'format' must be '${TRACE_FORMAT}')`);
  if (o.version !== TRACE_VERSION) {
    const v = typeof o.version === 'number' ? `trace version ${o.version} is not supported` : `field 'version' must be the number ${TRACE_VERSION}, got ${oneLine(JSON.stringify(o.version) ?? 'nothing', 40)}`;
    throw new TraceError(`${where}: ${v} (this vswap-check reads version ${TRACE_VERSION})`);
  }
  if (nesting(json) > MAX_NESTING) throw new TraceError(`${where}: nested deeper than ${MAX_NESTING} levels: not a trace this tool writes`);
  const r = traceSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
    throw new TraceError(`${where}: field '${oneLine(field, 120)}': ${oneLine(issue.message, 160)}`);
  }
  return r.data;
}

export function loadTrace(path: string): Trace {
  let text: string;
  try {
    text = readTextFile(path, TRACE_LIMITS.fileBytes);
  } catch (err) {
    throw err instanceof FileError ? new TraceError(err.message) : err;
  }
  return parseTrace(text, path);
}

/** The trace's workload; a trace from before the designs existed is a v6 one. */
export function traceWorkload(t: Trace): Workload {
  const w = t.workload as unknown as Workload;
  return { ...w, config: { ...w.config, design: t.workload.config.design ?? 'v6' } };
}
