/** File writing that never leaves a half-written file behind. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a file atomically: to a temporary name in the same folder (created if missing), then
 * renamed over the target, so a reader (or a resumed run) never sees a half-written file.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
