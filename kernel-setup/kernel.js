#!/usr/bin/env node
// @ts-check
/**
 * The `filtermine` Jupyter kernel: tslab's TypeScript kernel, started so that a notebook in any
 * folder can import this clone's packages ('filtermine', '@tensorflow/tfjs', ...), both the code
 * and the type declarations tslab checks every cell against.
 *
 *   node kernel-setup/kernel.js --config-path <connection file>      (what the kernel spec runs)
 *
 * Code: the kernel spec sets NODE_PATH to this clone's node_modules, which Node searches after
 * the node_modules folders above the notebook.
 *
 * Types: tslab compiles cells with fixed compiler options (Node10 module resolution from the
 * notebook's folder; no tsconfig, no `paths`, no search folders), so TypeScript on its own finds
 * only packages in a node_modules folder above the notebook. This launcher gives TypeScript the
 * NODE_PATH fallback Node has: when no node_modules folder above the notebook holds a package, its
 * file queries for `<notebook folder>/node_modules/<package>/...` are answered from
 * `<NODE_PATH folder>/<package>/...` - the same kind of forwarding tslab itself does to make
 * `import 'tslab'` work anywhere. A package the notebook's folder tree does hold is used as it is,
 * for code and types alike.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const TSLAB = path.join(__dirname, '..', 'node_modules', 'tslab');

/**
 * Maps paths under `<cwd>/node_modules/<package>` to the NODE_PATH folder holding that package,
 * for packages that no node_modules folder in or above `cwd` holds. Other paths are returned as
 * they are.
 *
 * The forwarded packages appear side by side in `<cwd>/node_modules`, as if installed there, so
 * that TypeScript can name any of their types from the notebook ('arquero', not a path through
 * 'filtermine'). Hence a package's own dependency that is the very same folder as a forwarded
 * top-level package (`filtermine/node_modules/arquero` when it is `<NODE_PATH>/arquero`) is
 * hidden at the nested place, and TypeScript finds it one level up under its own name.
 * @param {string} cwd  the notebook's folder
 * @param {string[]} searchDirs  the NODE_PATH folders, in order
 * @returns {(p: string) => string}
 */
function nodePathForwarder(cwd, searchDirs) {
  const local = path.join(cwd, 'node_modules');
  /** @type {Map<string, string | null>} */
  const found = new Map();
  /** @param {string} name  the folder of package `name` in NODE_PATH, or null */
  const home = (name) => {
    let dir = found.get(name);
    if (dir !== undefined) return dir;
    dir = null;
    let inTree = false;
    for (let d = cwd; ; d = path.dirname(d)) {
      if (path.basename(d) !== 'node_modules' && fs.existsSync(path.join(d, 'node_modules', name))) { inTree = true; break; }
      if (path.dirname(d) === d) break;
    }
    if (!inTree) dir = searchDirs.map((s) => path.join(s, name)).find((p) => fs.existsSync(p)) ?? null;
    found.set(name, dir);
    return dir;
  };
  /** @param {string[]} parts  path segments starting with a package name: [name, ...rest] or [@scope, name, ...rest] */
  const nameLength = (parts) => (parts[0].startsWith('@') ? 2 : 1);
  /** @param {string} p */
  const real = (p) => { try { return fs.realpathSync(p); } catch { return null; } };
  return (p) => {
    const rel = path.relative(local, p);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return p;
    const parts = rel.split(path.sep);
    const n = nameLength(parts);
    // A bare scope folder is not a package.
    if (parts.length < n) return p;
    const dir = home(parts.slice(0, n).join('/'));
    if (!dir) return p;
    const nested = parts.lastIndexOf('node_modules');
    if (nested >= n && parts.length > nested + 1) {
      const inner = parts.slice(nested + 1);
      const k = nameLength(inner);
      const top = inner.length >= k ? home(inner.slice(0, k).join('/')) : null;
      const here = path.join(dir, ...parts.slice(n, nested + 1 + k));
      if (top && real(here) !== null && real(here) === real(top)) return p;
    }
    return path.join(dir, ...parts.slice(n));
  };
}

/**
 * Makes TypeScript's file system (the `ts.sys` that tslab's compiler host delegates to) follow
 * {@link nodePathForwarder}. A forwarded file keeps its place under the notebook's node_modules
 * (realpath does not move it to NODE_PATH), so its types are named by package.
 * @param {any} ts  the TypeScript module tslab uses
 * @param {(p: string) => string} forward
 */
function forwardTypeScript(ts, forward) {
  const sys = ts.sys;
  for (const method of ['fileExists', 'directoryExists', 'readFile', 'getModifiedTime']) {
    const original = sys[method];
    if (typeof original !== 'function') continue;
    sys[method] = (/** @type {string} */ p, /** @type {unknown[]} */ ...rest) => original.call(sys, forward(p), ...rest);
  }
  const realpath = sys.realpath;
  if (typeof realpath === 'function') sys.realpath = (/** @type {string} */ p) => (forward(p) === p ? realpath.call(sys, p) : p);
}

/** @param {string[]} argv */
function configPathOf(argv) {
  const i = argv.indexOf('--config-path');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--config-path='))?.slice('--config-path='.length);
  if (!value) throw new Error('usage: node kernel-setup/kernel.js --config-path <connection file> (Jupyter passes it)');
  return value;
}

function main() {
  const configPath = configPathOf(process.argv.slice(2));
  const searchDirs = (process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.resolve(d));
  const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [path.join(TSLAB, 'dist')] }));
  forwardTypeScript(ts, nodePathForwarder(process.cwd(), searchDirs));
  const tslab = require(path.join(TSLAB, 'dist', 'main.js'));
  const version = JSON.parse(fs.readFileSync(path.join(TSLAB, 'package.json'), 'utf8')).version;
  // enableFindLocal false: always this clone's tslab (whose TypeScript was set up above), even
  // when the notebook's folder has a tslab of its own.
  tslab.startKernel({ configPath, enableFindLocal: false, jsKernel: false, globalVersion: version });
}

if (require.main === module) main();

module.exports = { nodePathForwarder };
