#!/usr/bin/env node
// @ts-check
/**
 * `npm run setup`: makes this clone ready to run its notebooks, and is safe to run any number of times.
 *
 *   1. npm packages       node_modules as pinned (runs `npm ci` / `npm install` when not)      [npm]
 *   2. system packages    Jupyter's nbconvert/nbclient/ipykernel and Fashion-MNIST (and Chromium with
 *                         --with-browser): apt-get when root, else the exact commands to run    [system]
 *   3. native addon       native/build.js (optional: without a compiler, plain wasm)            [native]
 *   4. TypeScript build   `tsc -p tsconfig.json` when dist/ is missing or older than the sources [build]
 *   5. package link       node_modules/filtermine -> the project root                          [link]
 *   6. Jupyter kernel     kernel spec 'filtermine' in .cache/jupyter, for this clone's notebook
 *                         runner, publisher and tests                                          [kernel]
 *   7. your kernel        the same spec in the user's Jupyter data folder, for live Jupyter;
 *                         prints where, and what it replaced                                   [user-kernel]
 *   8. smoke notebook     executes notebooks/00-smoke.ipynb headless and prints what it found  [smoke]
 *
 * Each step checks first and says "already done" when nothing is needed; when no step changed
 * anything the last line is "setup: nothing to do, everything was already in place".
 *
 * Options: --with-browser (also Chromium, for the test suite), --rebuild (compile even when dist/
 * looks up to date), --skip=id[,id] (the ids in brackets; the test command skips user-kernel, so
 * it never writes the user's Jupyter data folder), --kernel-name=NAME (register the user-level
 * kernel under NAME, e.g. a second clone beside the first; a clone keeps the name it was registered
 * under). Exit status 0 when ready, 1 when a step failed or needs the user.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { paths, ROOT, KERNEL_NAME } = require('./project');
const { STEPS, KERNEL_NAME_PATTERN } = require('./steps');

const STEP_IDS = [...STEPS.map((s) => s.id), 'smoke'];
const USAGE = `usage: node kernel-setup/setup.js [--with-browser] [--rebuild] [--kernel-name=NAME] [--skip=${STEP_IDS.join(',')}]`;

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ withBrowser: boolean, rebuild: boolean, skip: Set<string>, kernelName?: string }} */
  const options = { withBrowser: false, rebuild: false, skip: new Set() };
  for (const a of argv) {
    if (a === '--with-browser') options.withBrowser = true;
    else if (a === '--rebuild') options.rebuild = true;
    else if (a.startsWith('--skip=')) {
      for (const id of a.slice(7).split(',').filter(Boolean)) {
        if (!STEP_IDS.includes(id)) throw new Error(`unknown step '${id}' in ${a}; the steps are ${STEP_IDS.join(', ')}\n${USAGE}`);
        options.skip.add(id);
      }
    }
    else if (a.startsWith('--kernel-name=')) {
      options.kernelName = a.slice('--kernel-name='.length);
      if (!KERNEL_NAME_PATTERN.test(options.kernelName)) throw new Error(`--kernel-name must be letters, digits, '.', '_' or '-', got '${options.kernelName}'\n${USAGE}`);
    }
    else if (a === '--help' || a === '-h') { process.stdout.write(USAGE + '\n'); process.exit(0); }
    else throw new Error(`unknown option '${a}'\n${USAGE}`);
  }
  return options;
}

/** @param {string} s */
const out = (s) => process.stdout.write(s + '\n');

/**
 * Runs the smoke notebook and prints what it found.
 * @returns {Promise<boolean>} whether it passed
 */
async function smoke() {
  // Required lazily: scripts/notebooks.js is only usable once the earlier steps are done.
  const { runNotebook, formatFailure } = require('../scripts/notebooks');
  const outIpynb = path.join(paths.cache, 'smoke', path.basename(paths.smokeNotebook));
  fs.mkdirSync(path.dirname(outIpynb), { recursive: true });
  const report = await runNotebook(paths.smokeNotebook, { outIpynb, quiet: true });
  if (!report.ok) {
    out(formatFailure(report).split('\n').map((l) => `      ${l}`).join('\n'));
    return false;
  }
  const line = report.cells.flatMap((c) => c.stdout.split('\n')).find((l) => l.startsWith('smoke: '));
  /** @type {Record<string, unknown>} */
  let found = {};
  try { found = line ? JSON.parse(line.slice('smoke: '.length)) : {}; } catch { /* reported below */ }
  if (!line) {
    out('      the smoke notebook ran but printed no "smoke: {...}" line');
    return false;
  }
  out(`      kernel:  ${KERNEL_NAME} (tslab ${found.tslab}, TypeScript ${found.typescript}, Node ${found.node})`);
  const details = Object.entries(/** @type {Record<string, unknown>} */ (found.details ?? {})).map(([k, v]) => `${k} ${v}`).join(', ');
  out(`      backend: ${found.backend} (candidate ${found.candidate}${details ? `, ${details}` : ''}; tfjs ${found.tfjs})`);
  out(`      check:   ${found.check}`);
  out(`      package: 'filtermine' imported from ${found.packageRoot}`);
  out(`      ran in ${report.seconds.toFixed(1)} s; executed copy in ${path.relative(ROOT, outIpynb)}`);
  return found.check === 'ok';
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  out(`setup: preparing filtermine in ${ROOT}`);
  const total = STEPS.length + 1;
  /** @type {string[]} */
  const changed = [];
  /** @type {string[]} */
  const needUser = [];
  let failed = false;

  for (const [i, step] of STEPS.entries()) {
    const head = `[${i + 1}/${total}] ${step.title}`;
    if (options.skip.has(step.id)) { out(`${head}: skipped (--skip=${step.id})`); continue; }
    if (failed) { out(`${head}: not checked (an earlier step failed)`); continue; }
    const c = step.check(options);
    if (c.done) { out(`${head}: already done (${c.detail})`); continue; }
    out(`${head}: needed (${c.detail})`);
    try {
      const r = await step.apply(options, c);
      if (r.needsUser) {
        needUser.push(step.title);
        out(r.detail.split('\n').map((l) => `      ${l}`).join('\n'));
      } else {
        changed.push(step.title);
        out(`      done: ${r.detail}`);
      }
    } catch (e) {
      failed = true;
      out(`      FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  const smokeHead = `[${total}/${total}] smoke notebook (${path.relative(ROOT, paths.smokeNotebook)})`;
  if (options.skip.has('smoke')) out(`${smokeHead}: skipped (--skip=smoke)`);
  else if (needUser.length || failed) out(`${smokeHead}: not run (an earlier step ${failed ? 'failed' : 'needs you'})`);
  else {
    out(`${smokeHead}: executing headless with the '${KERNEL_NAME}' kernel`);
    if (!(await smoke())) failed = true;
  }

  if (failed) out('setup: FAILED (see the step marked FAILED above)');
  else if (needUser.length) out(`setup: incomplete: ${needUser.join(', ')} need you (commands above), then run it again`);
  else if (changed.length === 0) out('setup: nothing to do, everything was already in place');
  else out(`setup: done; changed: ${changed.join(', ')}`);
  return failed || needUser.length ? 1 : 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`setup: ${e instanceof Error ? e.message : String(e)}\n`); process.exitCode = 1; },
);
