// @ts-check
/**
 * The setup steps, in order. Each step has a `check` that looks without changing anything and an
 * `apply` that makes the change; setup.js runs `apply` only when `check` says something is missing,
 * which is what makes a second run a no-op.
 *
 * A check returns `{ done: true, detail }` when nothing is needed, else `{ done: false, detail }`.
 * An apply returns `{ changed, detail }`, or `{ needsUser: true, detail }` when only the user can
 * do it (e.g. installing Debian packages without root), or throws.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { paths, ROOT, KERNEL_NAME, capture, runVisible, which, npmCommand } = require('./project');
const { findJupyterPython, userJupyterDataDir, PYTHON_ENV_VAR } = require('./jupyter');

/**
 * @typedef {{ withBrowser: boolean, rebuild: boolean, kernelName?: string }} SetupOptions
 * @typedef {{ done: boolean, detail: string }} CheckResult
 * @typedef {{ changed?: boolean, needsUser?: boolean, detail: string }} ApplyResult
 * @typedef {{ id: string, title: string, check: (o: SetupOptions) => CheckResult, apply: (o: SetupOptions, c: CheckResult) => ApplyResult | Promise<ApplyResult> }} Step
 */

// ---------------------------------------------------------------------------------------------
// npm packages

/** @returns {{ missing: string[], total: number }} */
function npmPackageState() {
  const pkg = JSON.parse(fs.readFileSync(paths.packageJson, 'utf8'));
  const wanted = { ...(pkg.dependencies ?? {}), ...(pkg.devDependencies ?? {}) };
  const missing = [];
  for (const [name, spec] of Object.entries(wanted)) {
    const file = path.join(paths.nodeModules, name, 'package.json');
    if (!fs.existsSync(file)) { missing.push(name); continue; }
    // Exact pins must match; ranges are left to npm.
    if (/^\d+\.\d+\.\d+$/.test(String(spec))) {
      const have = JSON.parse(fs.readFileSync(file, 'utf8')).version;
      if (have !== spec) missing.push(`${name} (have ${have}, want ${spec})`);
    }
  }
  return { missing, total: Object.keys(wanted).length };
}

/** @type {Step} */
const npmPackages = {
  id: 'npm',
  title: 'npm packages',
  check() {
    const { missing, total } = npmPackageState();
    if (!fs.existsSync(paths.nodeModules)) return { done: false, detail: 'node_modules is missing' };
    return missing.length === 0
      ? { done: true, detail: `${total} packages as pinned in package.json` }
      : { done: false, detail: `missing or wrong version: ${missing.join(', ')}` };
  },
  apply() {
    const fresh = !fs.existsSync(paths.nodeModules) && fs.existsSync(paths.packageLock);
    const npm = npmCommand();
    const args = fresh ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
    say(`running npm ${args.join(' ')} (exact versions from package-lock.json)`);
    const status = runVisible(npm.cmd, [...npm.args, ...args], { cwd: ROOT });
    if (status !== 0) throw new Error(`npm ${args[0]} failed with status ${status}`);
    const { missing } = npmPackageState();
    if (missing.length) throw new Error(`after npm ${args[0]}, still missing: ${missing.join(', ')}`);
    return { changed: true, detail: `installed with npm ${args[0]}` };
  },
};

// ---------------------------------------------------------------------------------------------
// System packages (Debian), or instructions for pip/conda

const FASHION_MNIST_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

/** Same search path as src/data/fashion-mnist.ts. */
function fashionMnistDirs() {
  const dirs = ['/usr/share/datasets/fashion-mnist'];
  if (process.env.FILTERMINE_DATA) dirs.push(path.join(process.env.FILTERMINE_DATA, 'fashion-mnist'));
  dirs.push(path.join(os.homedir(), '.cache', 'filtermine', 'fashion-mnist'));
  return dirs;
}

/**
 * What the project needs from the system. `present` is a functional check (can it be used?), not
 * only a package-manager query, so a pip or conda Jupyter counts as present.
 * @type {{ id: string, what: string, debs: string[], present: () => string | null, otherwise: string[], browserOnly?: boolean }[]}
 */
const REQUIREMENTS = [
  {
    id: 'jupyter',
    what: 'Jupyter (nbconvert, nbclient, ipykernel) for the notebook kernel',
    debs: ['jupyter-nbconvert', 'python3-nbclient', 'jupyter-client', 'python3-ipykernel'],
    present() {
      const jp = findJupyterPython({ fresh: true });
      return jp ? `${jp.python}: nbconvert ${jp.versions.nbconvert}, nbclient ${jp.versions.nbclient}, ipykernel ${jp.versions.ipykernel}` : null;
    },
    otherwise: [
      'pip install nbconvert nbclient ipykernel jupyter_client',
      'conda install -c conda-forge nbconvert nbclient ipykernel jupyter_client',
      `(if that Python is not /usr/bin/python3 or python3 on PATH: export ${PYTHON_ENV_VAR}=/path/to/that/python)`,
    ],
  },
  {
    id: 'fashion-mnist',
    what: 'the Fashion-MNIST data set',
    debs: ['dataset-fashion-mnist'],
    present() {
      const dir = fashionMnistDirs().find((d) => FASHION_MNIST_FILES.every((f) => fs.existsSync(path.join(d, f))));
      return dir ? `Fashion-MNIST in ${dir}` : null;
    },
    otherwise: [
      `or put the four files ${FASHION_MNIST_FILES.join(', ')}`,
      `  (from the zalandoresearch/fashion-mnist repository, data/fashion) into ${path.join(os.homedir(), '.cache', 'filtermine', 'fashion-mnist')}`,
    ],
  },
  {
    id: 'chromium',
    what: 'headless Chromium (only for the tests that check the published HTML)',
    debs: ['chromium'],
    browserOnly: true,
    present() {
      const found = which('chromium') ?? which('chromium-browser');
      return found ? `Chromium at ${found}` : null;
    },
    otherwise: ['or any Chromium/Chrome build on PATH as `chromium`'],
  },
];

/** @param {SetupOptions} o */
function requirementsFor(o) {
  return REQUIREMENTS.filter((r) => !r.browserOnly || o.withBrowser);
}

function canUseApt() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot && which('apt-get') !== null && which('apt-cache') !== null;
}

/** Whether apt knows an installable version of every package (else the package lists need an update). */
function aptKnows(/** @type {string[]} */ debs) {
  const r = capture('apt-cache', ['policy', ...debs], { env: { ...process.env, LC_ALL: 'C' } });
  if (r.status !== 0) return false;
  return debs.every((d) => {
    const block = r.stdout.split(/\n(?=\S)/).find((b) => b.startsWith(`${d}:`));
    return block !== undefined && !/Candidate: \(none\)/.test(block);
  });
}

/** @type {Step} */
const systemPackages = {
  id: 'system',
  title: 'system packages',
  check(o) {
    const found = [];
    const missing = [];
    for (const r of requirementsFor(o)) {
      const where = r.present();
      if (where) found.push(where); else missing.push(r.what);
    }
    return missing.length === 0 ? { done: true, detail: found.join('; ') } : { done: false, detail: `missing: ${missing.join('; ')}` };
  },
  apply(o) {
    const missing = requirementsFor(o).filter((r) => !r.present());
    const debs = missing.flatMap((r) => r.debs);
    if (canUseApt()) {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      if (!aptKnows(debs)) {
        say('running apt-get update (the package lists do not know these packages yet)');
        if (runVisible('apt-get', ['update'], { env }) !== 0) throw new Error('apt-get update failed');
      }
      say(`running apt-get install -y --no-install-recommends ${debs.join(' ')}`);
      const status = runVisible('apt-get', ['install', '-y', '--no-install-recommends', ...debs], { env });
      if (status !== 0) throw new Error(`apt-get install ${debs.join(' ')} failed with status ${status}`);
      const still = missing.filter((r) => !r.present());
      if (still.length) throw new Error(`installed ${debs.join(' ')} but still missing: ${still.map((r) => r.what).join('; ')}`);
      return { changed: true, detail: `installed ${debs.join(' ')}` };
    }
    const lines = ['setup cannot install system packages here (that needs root and apt-get). Install these, then run it again:'];
    for (const r of missing) {
      lines.push(`  - ${r.what}:`);
      lines.push(`      sudo apt-get install -y --no-install-recommends ${r.debs.join(' ')}    (Debian/Ubuntu)`);
      for (const alt of r.otherwise) lines.push(`      ${alt}`);
    }
    return { needsUser: true, detail: lines.join('\n') };
  },
};

// ---------------------------------------------------------------------------------------------
// TypeScript build

const BUILD_STAMP = path.join(paths.cache, 'build.stamp');
const BUILD_OUTPUT = path.join(ROOT, 'dist', 'src', 'index.js');

/** Newest modification time (ms) of the TypeScript sources and tsconfig.json. */
function newestSourceTime() {
  let newest = fs.statSync(path.join(ROOT, 'tsconfig.json')).mtimeMs;
  /** @param {string} dir */
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const d of ['src', 'test', 'bench']) walk(path.join(ROOT, d));
  return newest;
}

/** @type {Step} */
const build = {
  id: 'build',
  title: 'TypeScript build (dist/)',
  check(o) {
    if (o.rebuild) return { done: false, detail: 'a fresh build was asked for (--rebuild)' };
    if (!fs.existsSync(BUILD_OUTPUT)) return { done: false, detail: 'dist/ has not been built' };
    if (!fs.existsSync(BUILD_STAMP)) return { done: false, detail: 'no record of a clean build' };
    return fs.statSync(BUILD_STAMP).mtimeMs >= newestSourceTime()
      ? { done: true, detail: 'dist/ is newer than every source file' }
      : { done: false, detail: 'sources changed since the last build' };
  },
  apply() {
    // The same compiler as `npm run build`: the project's pinned typescript package. Not
    // node_modules/.bin/tsc, which npm may link to tslab's bundled copy instead.
    const tsc = path.join(paths.nodeModules, 'typescript', 'bin', 'tsc');
    if (!fs.existsSync(tsc)) throw new Error('TypeScript is not installed (node_modules/typescript): run `npm install`');
    let version = '?';
    try { version = JSON.parse(fs.readFileSync(path.join(paths.nodeModules, 'typescript', 'package.json'), 'utf8')).version; } catch { /* shown as ? */ }
    say(`compiling: npm run build (TypeScript ${version})`);
    const started = Date.now();
    const startedAt = new Date(started);
    const status = runVisible(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: ROOT });
    if (status !== 0) throw new Error(`tsc reported errors (listed above), status ${status}`);
    // The browser bundle of the in-page tuner (esbuild), as `npm run build` makes it.
    const bundle = runVisible(process.execPath, [path.join(ROOT, 'scripts', 'build-browser.js')], { cwd: ROOT });
    if (bundle !== 0) throw new Error(`the browser bundle did not build (scripts/build-browser.js), status ${bundle}`);
    fs.mkdirSync(paths.cache, { recursive: true });
    fs.writeFileSync(BUILD_STAMP, `clean build started ${startedAt.toISOString()}\n`);
    // The stamp's time is when compiling started, so an edit made during the build still counts as newer.
    fs.utimesSync(BUILD_STAMP, startedAt, startedAt);
    return { changed: true, detail: `compiled in ${((Date.now() - started) / 1000).toFixed(1)} s` };
  },
};

// ---------------------------------------------------------------------------------------------
// the native addon (optional: without it filtermine runs on plain wasm)

/** @type {{ build: () => { ok: boolean, detail: string }, isUpToDate: () => { upToDate: boolean, detail: string }, canBuild: () => string | null }} */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nativeBuild = require(path.join(ROOT, 'native', 'build.js'));

/** @type {Step} */
const nativeAddon = {
  id: 'native',
  title: 'native compute addon (native/build)',
  check() {
    const state = nativeBuild.isUpToDate();
    if (state.upToDate) return { done: true, detail: state.detail };
    const missing = nativeBuild.canBuild();
    // Optional: with no compiler the project runs on plain wasm, so there is nothing to do.
    if (missing && process.env.CI !== 'true') return { done: true, detail: `not built, ${missing}; filtermine runs on plain wasm` };
    return { done: false, detail: state.detail };
  },
  apply() {
    say('compiling the native addon (node native/build.js)');
    const started = Date.now();
    const r = nativeBuild.build();
    if (r.ok) return { changed: true, detail: `${r.detail} in ${((Date.now() - started) / 1000).toFixed(1)} s` };
    // Under CI a failed build is a defect to see; elsewhere the project still works on plain wasm.
    if (process.env.CI === 'true') throw new Error(r.detail);
    return { changed: false, detail: `NOT built, filtermine will run on plain wasm: ${r.detail}` };
  },
};

// ---------------------------------------------------------------------------------------------
// node_modules/filtermine -> project root, so notebooks can `import ... from 'filtermine'`

const LINK = path.join(paths.nodeModules, KERNEL_NAME);

/** @type {Step} */
const linkPackage = {
  id: 'link',
  title: `importable as '${KERNEL_NAME}'`,
  check() {
    try {
      if (fs.lstatSync(LINK).isSymbolicLink() && fs.realpathSync(LINK) === fs.realpathSync(ROOT)) {
        return { done: true, detail: `node_modules/${KERNEL_NAME} links to the project root` };
      }
      return { done: false, detail: `node_modules/${KERNEL_NAME} exists but is not a link to this project` };
    } catch {
      return { done: false, detail: `node_modules/${KERNEL_NAME} is missing` };
    }
  },
  apply() {
    fs.mkdirSync(paths.nodeModules, { recursive: true });
    fs.rmSync(LINK, { recursive: true, force: true });
    fs.symlinkSync('..', LINK, process.platform === 'win32' ? 'junction' : 'dir');
    return { changed: true, detail: `linked node_modules/${KERNEL_NAME} -> ..` };
  },
};

// ---------------------------------------------------------------------------------------------
// The Jupyter kernel specs: the project-local one (.cache/jupyter, used by the notebook runner,
// the publisher and the tests) and the user-level one (live Jupyter front ends). Only the second
// touches the user's Jupyter data folder, and only when asked for (npm start, npm run setup).

/** Jupyter's rule for kernel names. */
const KERNEL_NAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/**
 * The kernel spec: kernel-setup/kernel.js (this clone's tslab) started by the Node running setup,
 * with this clone's node_modules on NODE_PATH so that notebooks in any folder import its packages.
 * @param {string} [name]  the kernel's name, also shown in its display name
 */
function kernelSpec(name = KERNEL_NAME) {
  return {
    argv: [process.execPath, paths.kernelLauncher, '--config-path', '{connection_file}'],
    display_name: `TypeScript (${name})`,
    language: 'typescript',
    env: { NODE_PATH: paths.nodeModules },
    metadata: { filtermine: { project: ROOT } },
  };
}

/** The project-local spec file. */
function localSpecFile() {
  return path.join(paths.localJupyter, 'kernels', KERNEL_NAME, 'kernel.json');
}

/** The user's kernels folder (Jupyter's data folder, or $JUPYTER_DATA_DIR). */
function userKernelsDir() {
  return path.join(userJupyterDataDir(findJupyterPython()), 'kernels');
}

/** @param {string} file @returns {any} the parsed spec, or null */
function readSpec(file) {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return null; }
}

/** @param {string} file @param {string} name */
function specMatches(file, name) {
  const spec = readSpec(file);
  return spec !== null && JSON.stringify(spec) === JSON.stringify(kernelSpec(name));
}

/** The clone a filtermine kernel spec belongs to (its metadata, or the tslab path in its command). */
function specProject(/** @type {any} */ spec) {
  const recorded = spec?.metadata?.filtermine?.project;
  if (typeof recorded === 'string') return recorded;
  const tslab = (spec?.argv ?? []).find((/** @type {unknown} */ a) => typeof a === 'string' && /node_modules[\\/]tslab[\\/]/.test(a));
  return tslab ? tslab.slice(0, tslab.search(/[\\/]node_modules[\\/]tslab[\\/]/)) : null;
}

/**
 * The user-level kernel name: --kernel-name, else the name this clone is already registered
 * under (a clone registered as `filtermine-2` stays that), else `filtermine`.
 * @param {SetupOptions} o
 */
function userKernelName(o) {
  if (o.kernelName) return o.kernelName;
  const dir = userKernelsDir();
  const mine = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((n) => specProject(readSpec(path.join(dir, n, 'kernel.json'))) === ROOT).sort()
    : [];
  return mine.includes(KERNEL_NAME) ? KERNEL_NAME : mine[0] ?? KERNEL_NAME;
}

/**
 * What writing a spec to `file` replaces, in words.
 * @param {string} file
 */
function describeReplaced(file) {
  if (!fs.existsSync(file)) return 'nothing (new)';
  const spec = readSpec(file);
  if (!spec) return 'an unreadable kernel.json';
  const project = specProject(spec);
  const command = Array.isArray(spec.argv) ? spec.argv.join(' ') : '(no command)';
  if (project === ROOT) return `this clone's earlier spec, which ran ${command}`;
  if (project) {
    const gone = !fs.existsSync(path.join(project, 'package.json'));
    return `the kernel of the clone in ${project}${gone ? ' (that folder no longer exists)' : ''}, which ran ${command}`;
  }
  return `a kernel that ran ${command}`;
}

/** @param {string} file @param {string} name */
function writeSpec(file, name) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(kernelSpec(name), null, 2) + '\n');
}

/** @type {Step} */
const kernel = {
  id: 'kernel',
  title: `Jupyter kernel '${KERNEL_NAME}' for this clone's tools (.cache/jupyter)`,
  check() {
    if (!fs.existsSync(paths.tslabBin)) return { done: false, detail: 'tslab is not installed (node_modules/tslab)' };
    return specMatches(localSpecFile(), KERNEL_NAME)
      ? { done: true, detail: `${path.relative(ROOT, localSpecFile())} runs ${path.relative(ROOT, paths.kernelLauncher)}` }
      : { done: false, detail: `${path.relative(ROOT, localSpecFile())} missing or different` };
  },
  apply() {
    if (!fs.existsSync(paths.tslabBin)) throw new Error('tslab is not installed (node_modules/tslab): run `npm install`');
    writeSpec(localSpecFile(), KERNEL_NAME);
    return { changed: true, detail: `wrote ${path.relative(ROOT, localSpecFile())}` };
  },
};

/** @type {Step} */
const userKernel = {
  id: 'user-kernel',
  title: 'Jupyter kernel for your notebooks (your Jupyter data folder)',
  check(o) {
    const name = userKernelName(o);
    const file = path.join(userKernelsDir(), name, 'kernel.json');
    if (!fs.existsSync(paths.tslabBin)) return { done: false, detail: 'tslab is not installed (node_modules/tslab)' };
    return specMatches(file, name)
      ? { done: true, detail: `'${name}' in ${file} runs this clone` }
      : { done: false, detail: `'${name}' in ${file} ${fs.existsSync(file) ? 'is different' : 'is missing'}` };
  },
  apply(o) {
    if (!fs.existsSync(paths.tslabBin)) throw new Error('tslab is not installed (node_modules/tslab): run `npm install`');
    const name = userKernelName(o);
    const file = path.join(userKernelsDir(), name, 'kernel.json');
    const replaced = describeReplaced(file);
    const project = specProject(readSpec(file));
    writeSpec(file, name);
    const lines = [`registered kernel '${name}' ("${kernelSpec(name).display_name}") in ${file}`, `replaced: ${replaced}`];
    if (project && project !== ROOT && fs.existsSync(path.join(project, 'package.json'))) {
      lines.push(`to keep both clones' kernels, register this one under its own name instead: npm run setup -- --kernel-name=${KERNEL_NAME}-2`);
    }
    return { changed: true, detail: lines.join('\n      ') };
  },
};

/** @param {string} text */
function say(text) {
  process.stdout.write(`      ${text}\n`);
}

/** The steps in the order they run. */
const STEPS = [npmPackages, systemPackages, nativeAddon, build, linkPackage, kernel, userKernel];

module.exports = { STEPS, REQUIREMENTS, KERNEL_NAME_PATTERN, kernelSpec, newestSourceTime };
