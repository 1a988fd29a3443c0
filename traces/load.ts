// Loading a trace file: every way it can be unusable becomes one clear line naming the file and the field.
import { readFileSync } from 'node:fs';
import { TRACE_FORMAT, TRACE_VERSION, traceSchema, type Trace } from './schema.ts';
import type { Workload } from '../properties/workload.ts';

export class TraceError extends Error {}

export function parseTrace(text: string, where: string): Trace {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TraceError(`${where}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof json === 'object' && json !== null) {
    const o = json as Record<string, unknown>;
    if (o.format !== TRACE_FORMAT) throw new TraceError(`${where}: not a vswap-check trace (field 'format' must be '${TRACE_FORMAT}')`);
    if (o.version !== TRACE_VERSION)
      throw new TraceError(`${where}: trace version ${String(o.version)} is not supported (this vswap-check reads version ${TRACE_VERSION})`);
  }
  const r = traceSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
    throw new TraceError(`${where}: field '${field}': ${issue.message}`);
  }
  return r.data;
}

export function loadTrace(path: string): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new TraceError(`${path}: cannot read (${code})`);
  }
  return parseTrace(text, path);
}

/** The trace's workload; a trace from before the designs existed is a v6 one. */
export function traceWorkload(t: Trace): Workload {
  const w = t.workload as unknown as Workload;
  return { ...w, config: { ...w.config, design: t.workload.config.design ?? 'v6' } };
}
