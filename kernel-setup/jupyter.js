// @ts-check
/**
 * Finding a Python that has Jupyter's headless pieces (nbconvert, nbclient, ipykernel, jupyter_client),
 * and the folders Jupyter reads kernel specs from.
 */
'use strict';

const os = require('node:os');
const path = require('node:path');
const { capture, which } = require('./project');

/** The Python modules the notebook runner needs. */
const JUPYTER_MODULES = ['nbconvert', 'nbclient', 'ipykernel', 'jupyter_client'];

/** Environment variable naming the Python to use, for pip or conda installs outside /usr/bin. */
const PYTHON_ENV_VAR = 'FILTERMINE_PYTHON';

/**
 * The Pythons tried, in order: $FILTERMINE_PYTHON, Debian's /usr/bin/python3 (where the apt packages
 * install), then python3 and python on PATH (a pip or conda environment).
 * @returns {string[]}
 */
function pythonCandidates() {
  /** @type {string[]} */
  const list = [];
  const fromEnv = process.env[PYTHON_ENV_VAR];
  if (fromEnv) list.push(fromEnv);
  list.push('/usr/bin/python3');
  for (const name of ['python3', 'python']) {
    const found = which(name);
    if (found) list.push(found);
  }
  return [...new Set(list)];
}

const PROBE = [
  'import json, sys',
  `import ${JUPYTER_MODULES.join(', ')}`,
  'from jupyter_core.paths import jupyter_data_dir',
  'print(json.dumps({"python": sys.version.split()[0], "data_dir": jupyter_data_dir(), ' +
    JUPYTER_MODULES.map((m) => `"${m}": ${m}.__version__`).join(', ') + '}))',
].join('\n');

/**
 * @typedef {object} JupyterPython
 * @property {string} python  the interpreter's path
 * @property {Record<string, string>} versions  python and module versions
 * @property {string} dataDir  Jupyter's per-user data folder as that Python sees it
 */

/** @type {JupyterPython | null | undefined} */
let cached;

/**
 * The first candidate Python that imports all of {@link JUPYTER_MODULES}, or null.
 * @param {{ fresh?: boolean }} [options] fresh: look again instead of reusing the last answer
 * @returns {JupyterPython | null}
 */
function findJupyterPython(options = {}) {
  if (cached !== undefined && !options.fresh) return cached;
  cached = null;
  for (const python of pythonCandidates()) {
    const r = capture(python, ['-c', PROBE], { env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
    if (r.status !== 0) continue;
    const line = r.stdout.trim().split('\n').pop() ?? '';
    try {
      const info = JSON.parse(line);
      const { data_dir: dataDir, ...versions } = info;
      cached = { python, versions, dataDir };
      break;
    } catch {
      continue;
    }
  }
  return cached;
}

/**
 * Jupyter's per-user data folder: $JUPYTER_DATA_DIR, else what the Jupyter Python reports, else the
 * platform default (the same rule jupyter_core uses).
 * @param {JupyterPython | null} jp
 * @returns {string}
 */
function userJupyterDataDir(jp) {
  if (process.env.JUPYTER_DATA_DIR) return path.resolve(process.env.JUPYTER_DATA_DIR);
  if (jp) return jp.dataDir;
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? home, 'jupyter');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'jupyter');
}

module.exports = { JUPYTER_MODULES, PYTHON_ENV_VAR, pythonCandidates, findJupyterPython, userJupyterDataDir };
