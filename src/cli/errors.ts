/**
 * What the CLI prints for an error: Node's file-system errors ("EEXIST: file already exists,
 * mkdir 'x'") become a sentence naming the path and what was expected; other errors keep their
 * message. Also the check every command that writes a folder runs before any work.
 */
import * as fs from 'node:fs';

const FS_PROBLEMS: Record<string, string> = {
  ENOENT: 'does not exist',
  EEXIST: 'already exists',
  ENOTDIR: 'has a file where a folder is expected',
  EISDIR: 'is a folder where a file is expected',
  EACCES: 'is not accessible (permission denied)',
  EPERM: 'is not accessible (operation not permitted)',
  ENOSPC: 'cannot be written: the disk is full',
  EROFS: 'is on a read-only file system',
  ENAMETOOLONG: 'has a name that is too long',
};

/** A Node system error as thrown by `fs` (code, syscall, path). */
interface FsError extends Error { code?: string; syscall?: string; path?: string; dest?: string }

/**
 * The one-line message for an error reaching the CLI.
 * @example describeCliError(mkdirError) // "cannot mkdir 'runs/x': 'runs/x' already exists (EEXIST)"
 */
export function describeCliError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as FsError;
  const problem = e.code ? FS_PROBLEMS[e.code] : undefined;
  if (problem && e.path) {
    const action = e.syscall ? `cannot ${e.syscall} '${e.path}'${e.dest ? ` to '${e.dest}'` : ''}` : `cannot use '${e.path}'`;
    return `${action}: '${e.path}' (or a folder on its path) ${problem} (${e.code})`;
  }
  return e.message;
}

/**
 * Makes sure `--out` can take the results before any work starts: creates the folder (and its
 * parents) and checks that it is writable.
 * @param out the folder
 * @param what the command and option, for messages, e.g. `train: --out`
 * @throws naming the path when it is a file, cannot be created or is not writable
 */
export function prepareOutDir(out: string, what: string): void {
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) {
    throw new Error(`${what} '${out}' is a file; expected a folder (new or existing) for the results`);
  }
  try {
    fs.mkdirSync(out, { recursive: true });
    fs.accessSync(out, fs.constants.W_OK);
  } catch (e) {
    throw new Error(`${what} '${out}' cannot be used for the results: ${describeCliError(e)}`);
  }
}
