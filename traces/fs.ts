// File helpers shared by the trace store and the CLI: never a half-written file, never a hang on odd paths.
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A path that cannot be created or written: the CLI reports it in one line with exit code 2. */
export class FileError extends Error {}

function reason(err: unknown): string {
  return err instanceof Error && 'code' in err ? String((err as NodeJS.ErrnoException).code) : String(err);
}

/**
 * Creates a directory and its missing parents one level at a time. (Node's recursive mkdir never returns on some
 * pseudo file systems such as /proc, so it is not used.)
 */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  for (; !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  // the nearest existing ancestor must be a directory we may write into
  if (existsSync(d)) {
    if (!statSync(d).isDirectory()) throw new FileError(`cannot create directory '${resolve(dir)}': '${d}' is a file; choose another path`);
    try {
      accessSync(d, constants.W_OK);
    } catch (err) {
      throw new FileError(`cannot write into '${d}' (${reason(err)}); choose a writable path`);
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      throw new FileError(`cannot create directory '${d}' (${reason(err)}); choose a writable path`);
    }
  }
}

/** Writes to a temporary name beside the target, then renames it into place. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  ensureDir(dir);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new FileError(`cannot write '${path}' (${reason(err)}); choose a writable path`);
  }
}
