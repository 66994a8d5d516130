// @ts-check
/**
 * Paths and small process helpers shared by kernel-setup/ and scripts/.
 * Plain Node.js with no npm dependencies: it runs before `npm install` has happened.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

/** The project root (the folder holding package.json). */
const ROOT = path.resolve(__dirname, '..');

/** The name the package is imported by and the Jupyter kernel is registered under. */
const KERNEL_NAME = 'filtermine';

/** Well-known locations inside the project. */
const paths = {
  root: ROOT,
  packageJson: path.join(ROOT, 'package.json'),
  packageLock: path.join(ROOT, 'package-lock.json'),
  nodeModules: path.join(ROOT, 'node_modules'),
  notebooks: path.join(ROOT, 'notebooks'),
  out: path.join(ROOT, 'out'),
  cache: path.join(ROOT, '.cache'),
  /** Project-local Jupyter data folder: the publisher puts it first on JUPYTER_PATH, so it always runs this clone's kernel. */
  localJupyter: path.join(ROOT, '.cache', 'jupyter'),
  tslabBin: path.join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab'),
  /** What the kernel spec runs: tslab's kernel, set up to import this clone's packages from any folder. */
  kernelLauncher: path.join(ROOT, 'kernel-setup', 'kernel.js'),
  notebookRunner: path.join(ROOT, 'scripts', 'run_notebook.py'),
  smokeNotebook: path.join(ROOT, 'notebooks', '00-smoke.ipynb'),
};

/**
 * Runs a command synchronously and captures its output.
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} [options]
 * @returns {{ status: number, stdout: string, stderr: string, error?: Error }}
 */
function capture(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return {
    status: r.status ?? (r.error ? 127 : 1),
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    ...(r.error ? { error: r.error } : {}),
  };
}

/**
 * Runs a command with its output going straight to the terminal; returns the exit status.
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} [options]
 * @returns {number}
 */
function runVisible(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.error) return 127;
  return r.status ?? 1;
}

/**
 * Whether an executable of this name is found on PATH (or is an existing absolute path).
 * @param {string} name
 * @returns {string | null} its full path, or null
 */
function which(name) {
  if (path.isAbsolute(name)) return isExecutable(name) ? name : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, name);
    if (isExecutable(full)) return full;
  }
  return null;
}

/** @param {string} file */
function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The command that runs npm: the npm that is running us when started from an npm script, else `npm` on PATH.
 * @returns {{ cmd: string, args: string[] }}
 */
function npmCommand() {
  const execpath = process.env.npm_execpath;
  if (execpath && /\.c?js$/.test(execpath) && fs.existsSync(execpath)) return { cmd: process.execPath, args: [execpath] };
  return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
}

module.exports = { ROOT, KERNEL_NAME, paths, capture, runVisible, which, npmCommand };
