#!/usr/bin/env node
// @ts-check
/**
 * `npm start [-- publish options]`: the one command for a fresh clone.
 *   1. setup: installs whatever is missing (npm packages, Jupyter, data, the build, the kernel) and
 *      checks the kernel with the smoke notebook (kernel-setup/setup.js);
 *   2. publish: executes every notebook and writes out/ (scripts/publish-notebooks.js).
 * Extra arguments go to the publisher, e.g. `npm start -- --fast` or `npm start -- 01-quickstart`,
 * except --kernel-name=NAME, which goes to setup (the name of the kernel registered for live Jupyter).
 * Uses only Node's own modules, so it works before `npm install` has been run.
 */
'use strict';

const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');

/**
 * @param {string} title
 * @param {string} script  path relative to the project root
 * @param {string[]} args
 * @returns {number} exit status
 */
function stage(title, script, args) {
  process.stdout.write(`\n=== npm start: ${title} ===\n`);
  const r = spawnSync(process.execPath, [path.join(ROOT, script), ...args], { cwd: ROOT, stdio: 'inherit' });
  return r.error ? 1 : r.status ?? 1;
}

function main() {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const args = process.argv.slice(2);
  const forSetup = args.filter((a) => a.startsWith('--kernel-name='));
  if (stage('1/2 setup (installs what is missing, then checks the kernel)', 'kernel-setup/setup.js', forSetup) !== 0) {
    process.stdout.write(`\nnpm start: stopped after ${elapsed()}: setup did not finish (see above). Fix that, then run \`npm start\` again.\n`);
    return 1;
  }
  if (stage('2/2 publish (executes every notebook into out/)', 'scripts/publish-notebooks.js', args.filter((a) => !forSetup.includes(a))) !== 0) {
    process.stdout.write(`\nnpm start: a notebook failed after ${elapsed()} (see above); out/index.html lists which.\n`);
    return 1;
  }
  process.stdout.write(`\nnpm start: done in ${elapsed()}. Open ${path.join(ROOT, 'out', 'index.html')}\n`);
  return 0;
}

process.exitCode = main();
