// @ts-check
/**
 * Light published pages: the browser libraries that notebook outputs carry inline (plotly, vega,
 * the tuner; each in a `<script data-fm-library="NAME">`) are written once per published folder to
 * `lib/NAME-HASH.js` and the pages load them by script tag. An HTML page opened from disk (file://)
 * loads `lib/...` relative to itself. An executed notebook opened in Jupyter cannot resolve a
 * relative script path (the page lives under /notebooks/ or /lab/tree/, the file under /files/), so
 * its outputs get a small loader that tries the page-relative path and Jupyter's /files/ path;
 * charts wait a few seconds for their library before falling back to their static image.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const LIBRARY_SCRIPT = /<script data-fm-library="([A-Za-z0-9._-]+)">([\s\S]*?)<\/script>/g;

/**
 * Writes `lib/NAME-HASH.js` under `outDir` (once) and returns its path relative to `outDir`.
 * @param {string} outDir
 * @param {string} name
 * @param {string} code
 */
function writeLibrary(outDir, name, code) {
  const hash = crypto.createHash('sha256').update(code).digest('hex').slice(0, 12);
  const rel = `lib/${name}-${hash}.js`;
  const file = path.join(outDir, rel);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file + '.tmp', code);
    fs.renameSync(file + '.tmp', file);
  }
  return rel;
}

/**
 * A page's inline library scripts replaced by script tags to the shared copies.
 * @param {string} html
 * @param {string} outDir  the published folder (the page is directly inside it)
 * @returns {{ html: string, libraries: string[] }}
 */
function shareLibrariesInHtml(html, outDir) {
  /** @type {string[]} */
  const libraries = [];
  const out = html.replace(LIBRARY_SCRIPT, (_m, name, code) => {
    const rel = writeLibrary(outDir, name, code);
    if (!libraries.includes(rel)) libraries.push(rel);
    return `<script data-fm-library="${name}" src="${rel}"></script>`;
  });
  return { html: out, libraries };
}

/**
 * The loader used in executed notebooks: adds a script element for the first candidate URL, and
 * the next one when it fails.
 * @param {string} name
 * @param {string} rel
 */
function loaderScript(name, rel) {
  return `<script data-fm-library="${name}" data-fm-src="${rel}">(function () {
  var rel = ${JSON.stringify(rel)}, p = location.pathname;
  if (document.querySelector('script[data-fm-loaded="' + rel + '"]')) return;
  var dir = p.replace(/[^/]*$/, ''), files = dir.replace(/\\/(notebooks|lab\\/tree|tree|doc\\/tree|edit)\\//, '/files/');
  var urls = [rel, files + rel, dir + rel].filter(function (u, i, a) { return a.indexOf(u) === i; });
  (function next(i) {
    if (i >= urls.length) return;
    var s = document.createElement('script');
    s.src = urls[i];
    s.setAttribute('data-fm-loaded', rel);
    s.onerror = function () { s.remove(); next(i + 1); };
    document.head.appendChild(s);
  })(0);
})();</script>`;
}

/**
 * An executed notebook's outputs with their inline libraries replaced by loaders of the shared copies.
 * @param {any} nb  the notebook JSON (modified in place)
 * @param {string} outDir
 * @returns {string[]} the shared library paths
 */
function shareLibrariesInNotebook(nb, outDir) {
  /** @type {string[]} */
  const libraries = [];
  for (const cell of nb.cells ?? []) {
    for (const o of cell.outputs ?? []) {
      const data = o.data;
      if (!data || data['text/html'] === undefined) continue;
      const text = Array.isArray(data['text/html']) ? data['text/html'].join('') : String(data['text/html']);
      if (!text.includes('data-fm-library=')) continue;
      data['text/html'] = text.replace(LIBRARY_SCRIPT, (_m, name, code) => {
        const rel = writeLibrary(outDir, name, code);
        if (!libraries.includes(rel)) libraries.push(rel);
        return loaderScript(name, rel);
      });
    }
  }
  return libraries;
}

/**
 * Makes a published page (`NAME.html`) and its executed notebook (`NAME.ipynb`) in `outDir` light.
 * @param {string} outDir
 * @param {string} name
 * @returns {{ htmlBytes: number, ipynbBytes: number, libraries: string[] }}
 */
function sharePublishedLibraries(outDir, name) {
  const htmlFile = path.join(outDir, `${name}.html`), ipynbFile = path.join(outDir, `${name}.ipynb`);
  /** @type {Set<string>} */
  const libraries = new Set();
  if (fs.existsSync(htmlFile)) {
    const r = shareLibrariesInHtml(fs.readFileSync(htmlFile, 'utf8'), outDir);
    fs.writeFileSync(htmlFile, r.html);
    r.libraries.forEach((l) => libraries.add(l));
  }
  if (fs.existsSync(ipynbFile)) {
    const nb = JSON.parse(fs.readFileSync(ipynbFile, 'utf8'));
    shareLibrariesInNotebook(nb, outDir).forEach((l) => libraries.add(l));
    fs.writeFileSync(ipynbFile, JSON.stringify(nb, null, 1) + '\n');
  }
  const size = (/** @type {string} */ f) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
  return { htmlBytes: size(htmlFile), ipynbBytes: size(ipynbFile), libraries: [...libraries] };
}

module.exports = { shareLibrariesInHtml, shareLibrariesInNotebook, sharePublishedLibraries };
