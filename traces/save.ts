// Saving a trace: written to a temporary file, then linked under a name no other run has taken (never overwrites).
import { linkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileError, ensureDir } from './fs.ts';
import { TRACE_FORMAT, TRACE_VERSION, type Trace } from './schema.ts';

export type TraceBody = Omit<Trace, 'format' | 'version'>;

export function makeTrace(body: TraceBody): Trace {
  return { format: TRACE_FORMAT, version: TRACE_VERSION, ...body };
}

export function traceText(t: Trace): string {
  return `${JSON.stringify(t, null, 1)}\n`;
}

/** Saves under `dir` as `<stem>.json`, or `<stem>-2.json`, … if taken; returns the path. */
export function saveTrace(dir: string, stem: string, t: Trace): string {
  ensureDir(dir);
  const tmp = join(dir, `.${stem}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, traceText(t));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new FileError(`cannot write a trace in '${dir}' (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    for (let n = 1; n < 10_000; n++) {
      const path = join(dir, n === 1 ? `${stem}.json` : `${stem}-${n}.json`);
      try {
        linkSync(tmp, path);
        return path;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    throw new Error(`no free trace name for ${stem} in ${dir}`);
  } finally {
    rmSync(tmp, { force: true });
  }
}
