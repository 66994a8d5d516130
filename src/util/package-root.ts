/** Where this package's files are, wherever it is installed or built. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The package root: the nearest folder above `from` whose package.json is named `filtermine`
 * (works from `src/models`, `dist/src/models` and `node_modules/filtermine/dist/src/models`).
 * @throws if there is none
 */
export function packageRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if ((JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === 'filtermine') return dir;
      } catch { /* an unreadable package.json is not ours; keep looking */ }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`packageRoot: no package.json named 'filtermine' above ${from}`);
    dir = up;
  }
}

let cachedVersion: string | undefined;

/**
 * This package's version from its package.json (cached): part of run fingerprints, cache keys and
 * the tuner bundle's version; `unknown` when no package root can be found.
 */
export function packageVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  let root: string;
  try {
    root = packageRoot();
  } catch {
    return (cachedVersion = 'unknown');
  }
  return (cachedVersion = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0');
}
