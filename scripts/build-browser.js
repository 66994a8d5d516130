#!/usr/bin/env node
// @ts-check
/**
 * Compiles the browser bundle of the in-page tuner (src/widgets/tuner/page/entry.ts with the
 * mining code it imports) into dist/browser/filtermine-tuner.js with esbuild: one minified script
 * defining `window.filtermineTuner`. Part of `npm run build` and of setup's build step, so the
 * pages run the very same mining code as Node. No network.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const ENTRY = path.join(ROOT, 'src', 'widgets', 'tuner', 'page', 'entry.ts');
const OUT = path.join(ROOT, 'dist', 'browser', 'filtermine-tuner.js');

/**
 * Builds the bundle (synchronously).
 * @param {{ outfile?: string }} [options]
 * @returns {{ outfile: string, bytes: number }}
 */
function buildBrowserBundle(options = {}) {
  const esbuild = require('esbuild');
  const outfile = options.outfile ?? OUT;
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  esbuild.buildSync({
    entryPoints: [ENTRY], bundle: true, minify: true, format: 'iife', platform: 'browser', target: ['es2020'],
    outfile, legalComments: 'none', logLevel: 'warning',
  });
  return { outfile, bytes: fs.statSync(outfile).size };
}

if (require.main === module) {
  const { outfile, bytes } = buildBrowserBundle();
  process.stdout.write(`browser bundle: ${path.relative(ROOT, outfile)} (${(bytes / 1024).toFixed(0)} KB)\n`);
}

module.exports = { buildBrowserBundle, BROWSER_BUNDLE: OUT, BROWSER_ENTRY: ENTRY };
