#!/usr/bin/env node
// @ts-check
/**
 * Compiles the native addon (native/*.cc) into native/build/filtermine_native.node with the
 * system C++ compiler, for this machine's CPU (-march=native). No node-gyp, no download: the
 * Node-API headers come with Node itself. Records what it built in build/build-info.json, so
 * that `isUpToDate()` can tell whether the sources changed.
 *
 * Usage: node native/build.js [--force]     (CXX chooses the compiler; default c++, then g++, clang++;
 *        FILTERMINE_NATIVE_ARCH replaces -march=native, e.g. "-mavx2 -mfma" or "-march=x86-64" to
 *        build and test the narrower code paths)
 * Exit status 0 on success, 1 on failure (filtermine then runs on plain wasm).
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const os = require('node:os');
const { spawnSync } = require('node:child_process');

const DIR = __dirname;
const SOURCES = ['addon.cc', 'gemm.cc', 'conv.cc'];
const HEADERS = ['gemm.h', 'conv.h'];
const OUT_DIR = path.join(DIR, 'build');
const OUTPUT = path.join(OUT_DIR, 'filtermine_native.node');
const INFO = path.join(OUT_DIR, 'build-info.json');

/** This CPU's model and (on Linux) feature flags: a -march=native build is only good for them. */
function cpuIdentity() {
  let flags = '';
  try {
    flags = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m) ?? ['', ''])[1].trim();
  } catch { /* not Linux: the model name has to do */ }
  return `${os.cpus()[0]?.model ?? 'unknown'}|${flags}`;
}

/** Hash of the sources, this script, the Node-API version and the CPU: what the binary depends on. */
function sourceHash() {
  const h = crypto.createHash('sha256');
  for (const f of [...SOURCES, ...HEADERS, 'build.js']) h.update(fs.readFileSync(path.join(DIR, f)));
  h.update(String(process.versions.napi));
  h.update(process.env.FILTERMINE_NATIVE_ARCH ?? '-march=native');
  h.update(cpuIdentity()); // a build copied to another machine is rebuilt there, not run
  h.update(process.arch);
  return h.digest('hex').slice(0, 16);
}

/** The folder holding node_api.h, or null. */
function nodeHeaders() {
  const candidates = [
    process.env.FILTERMINE_NODE_HEADERS,
    path.join(path.dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ].filter(Boolean);
  return candidates.find((d) => fs.existsSync(path.join(/** @type {string} */ (d), 'node_api.h'))) ?? null;
}

function findCompiler() {
  const names = process.env.CXX ? [process.env.CXX] : ['c++', 'g++', 'clang++'];
  for (const name of names) {
    const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return { name, version: r.stdout.split('\n')[0] };
  }
  return null;
}

/** @returns {{ upToDate: boolean, detail: string }} */
function isUpToDate() {
  if (!fs.existsSync(OUTPUT)) return { upToDate: false, detail: `${path.relative(process.cwd(), OUTPUT)} is not built` };
  try {
    const info = JSON.parse(fs.readFileSync(INFO, 'utf8'));
    if (info.hash !== sourceHash()) return { upToDate: false, detail: 'the native sources, the compiler target or the CPU changed since the last build' };
    return { upToDate: true, detail: `built with ${info.compiler} (${info.flags.join(' ')})` };
  } catch {
    return { upToDate: false, detail: 'no build record (build-info.json)' };
  }
}

/** Why the addon cannot be built here (no headers, no compiler), or null when it can. */
function canBuild() {
  if (!nodeHeaders()) return 'Node-API headers (node_api.h) not found';
  if (!findCompiler()) return 'no C++ compiler (on Debian: apt-get install g++)';
  return null;
}

/**
 * Builds the addon. Tries -march=native first, then a portable build.
 * @param {{ arch?: string[], output?: string }} [options] `arch`: the only flags to try instead;
 *   `output`: another file to write (no build record), e.g. for testing other instruction sets
 * @returns {{ ok: boolean, detail: string }}
 */
function build(options = {}) {
  const headers = nodeHeaders();
  if (!headers) {
    return { ok: false, detail: 'Node-API headers (node_api.h) not found next to node or in /usr/include/node; set FILTERMINE_NODE_HEADERS' };
  }
  const cxx = findCompiler();
  if (!cxx) return { ok: false, detail: 'no C++ compiler found (tried $CXX, c++, g++, clang++); on Debian: apt-get install g++' };
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const common = ['-O3', '-std=c++17', '-ffp-contract=fast', '-fPIC', '-shared', '-pthread', '-fvisibility=hidden',
    '-DNODE_GYP_MODULE_NAME=filtermine_native', `-I${headers}`];
  if (process.platform === 'darwin') common.push('-undefined', 'dynamic_lookup');
  const requested = options.arch ?? process.env.FILTERMINE_NATIVE_ARCH?.split(/\s+/).filter(Boolean);
  const attempts = requested != null ? [requested] : [['-march=native'], []];
  const errors = [];
  const output = options.output ?? OUTPUT;
  const tmp = `${output}.tmp-${process.pid}`;
  for (const arch of attempts) {
    const flags = [...arch, ...common];
    const r = spawnSync(cxx.name, [...flags, ...SOURCES.map((s) => path.join(DIR, s)), '-o', tmp], { encoding: 'utf8' });
    if (r.status === 0) {
      fs.renameSync(tmp, output);
      if (output !== OUTPUT) return { ok: true, detail: `built ${output} (${arch.join(' ') || 'portable'})` };
      fs.writeFileSync(INFO, JSON.stringify({ hash: sourceHash(), compiler: cxx.version, flags: arch.concat(['-O3']), builtAt: new Date().toISOString() }, null, 2) + '\n');
      return { ok: true, detail: `built ${path.relative(process.cwd(), OUTPUT)} with ${cxx.version} (${arch.join(' ') || 'portable'})` };
    }
    errors.push(`${cxx.name} ${arch.join(' ')}: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(0, 8).join('\n')}`);
  }
  try { fs.unlinkSync(tmp); } catch { /* nothing to remove */ }
  return { ok: false, detail: `compilation failed:\n${errors.join('\n')}` };
}

module.exports = { build, isUpToDate, canBuild, OUTPUT };

if (require.main === module) {
  const force = process.argv.includes('--force');
  const state = isUpToDate();
  if (state.upToDate && !force) {
    process.stdout.write(`native addon: up to date, ${state.detail}\n`);
  } else {
    const r = build();
    process.stdout.write(`native addon: ${r.detail}\n`);
    if (!r.ok) process.exit(1);
  }
}
