// File helpers shared by the trace store and the CLI: never a half-written file, never a hang on odd paths, and an
// unusable output path refused before any work is done (ensureDir / checkOutputFile), not after it.
import { accessSync, closeSync, constants, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readSync, realpathSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A path that cannot be created or written: the CLI reports it in one line with exit code 2. */
export class FileError extends Error {}

function reason(err: unknown): string {
  return err instanceof Error && 'code' in err ? String((err as NodeJS.ErrnoException).code) : String(err);
}

/** A path as it goes into a one-line message: long ones are cut. */
function shown(p: string): string {
  return p.length > 120 ? `${p.slice(0, 60)}...${p.slice(-40)}` : p;
}

function nonEmpty(p: string, what: string): void {
  if (p.trim() === '') throw new FileError(`${what} is an empty path; give a file or directory name`);
}

/**
 * An output directory (hunt --out, merge --out): refused if it is empty, a file or not writable; otherwise created
 * with its missing parents one level at a time, and if one level fails, the levels it created are removed again. (Node's recursive mkdir never returns on some pseudo file systems such as /proc, so it is not used.)
 */
export function ensureDir(dir: string): void {
  nonEmpty(dir, 'the output directory');
  const missing: string[] = [];
  let d = resolve(dir);
  for (; !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  // the nearest existing ancestor must be a directory we may write into
  if (existsSync(d)) {
    if (!statSync(d).isDirectory()) throw new FileError(`cannot use '${shown(resolve(dir))}' as a directory: '${shown(d)}' is a file; choose another path`);
    try {
      accessSync(d, constants.W_OK);
    } catch (err) {
      throw new FileError(`cannot write into '${shown(d)}' (${reason(err)}); choose a writable path`);
    }
  }
  const made: string[] = [];
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
      made.push(m);
    } catch (err) {
      for (const x of made.reverse()) rmdirSync(x);
      throw new FileError(`cannot create directory '${shown(m)}' (${reason(err)}); choose a writable path`);
    }
  }
}

/** Where a write to `path` lands: through a symbolic link to its target, so that the link survives. */
function target(path: string): string {
  try {
    if (lstatSync(path).isSymbolicLink()) return realpathSync(path);
  } catch {
    // a dangling link or no file yet: written as named
  }
  return path;
}

/**
 * An output file (--out, --html, --svg): its directory must exist (a mistyped directory is reported, not created),
 * and if the file exists it must be a regular file (never a device such as /dev/full, never a directory).
 */
export function checkOutputFile(path: string, option = 'the output file'): void {
  nonEmpty(path, option);
  const t = target(path);
  const dir = dirname(t);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FileError(`cannot write '${shown(path)}': directory '${shown(dir)}' does not exist; create it first`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new FileError(`cannot write into '${shown(dir)}' (${reason(err)}); choose a writable path`);
  }
  if (existsSync(t) && !statSync(t).isFile()) throw new FileError(`cannot write '${shown(path)}': it exists and is not a regular file; choose another path`);
}

/** Writes to a temporary name beside the target, then renames it into place (through a symbolic link). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  checkOutputFile(path);
  const t = target(path);
  const tmp = join(dirname(t), `.${basename(t)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, t);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new FileError(`cannot write '${shown(path)}' (${reason(err)}); choose a writable path`);
  }
}

/**
 * Reads a text file of at most `maxBytes` (one byte more is read to tell a larger one): a device such as /dev/zero
 * never ends, and a file from elsewhere may be anything. Every way it cannot be read is a FileError naming the path.
 */
export function readTextFile(path: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new FileError(`${shown(path)}: cannot read (${reason(err)})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new FileError(`${shown(path)}: is a directory, not a file`);
    const buf = Buffer.alloc(Math.min(maxBytes + 1, st.isFile() ? st.size + 1 : maxBytes + 1));
    let n = 0;
    while (n < buf.length) {
      let got: number;
      try {
        got = readSync(fd, buf, n, buf.length - n, null);
      } catch (err) {
        throw new FileError(`${shown(path)}: cannot read (${reason(err)})`);
      }
      if (got === 0) break;
      n += got;
    }
    if (n > maxBytes) throw new FileError(`${shown(path)}: larger than ${maxBytes / 2 ** 20} MB: not a file this tool writes`);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}
