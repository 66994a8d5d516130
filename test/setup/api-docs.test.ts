/**
 * The API reference: TypeDoc builds it from src/index.ts without a warning, it documents the
 * curated API (and not internals or test fixtures), and the notebooks' index page links to it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT, runScript } from './run-script';
import { useTempDir } from '../helpers';

describe('API reference (scripts/api-docs.js, TypeDoc)', function () {
  this.timeout(300_000);
  const tmp = useTempDir('fm-api-');

  it('is generated from src/index.ts without warnings, with the public API and without internals', async () => {
    const out = tmp();
    const r = await runScript('scripts/api-docs.js', ['--out', out]);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    for (const name of ['selectBackend', 'runAblationStudy', 'minePaperRules', 'explain', 'checkOursBeatsRandom']) {
      assert.ok(index.includes(`>${name}<`), `the reference lists ${name}`);
    }
    for (const name of ['syntheticTransactions', 'popcount32', 'writeFileAtomic']) {
      assert.ok(!index.includes(`>${name}<`), `the reference does not list the internal ${name}`);
    }
  });

  it('the published index links to it, and src/index.ts has no wildcard re-export', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { indexHtml } = require(path.join(PROJECT_ROOT, 'scripts', 'publish-notebooks.js')) as { indexHtml(e: unknown[]): string };
    assert.match(indexHtml([]), /<a href="api\/index.html">API reference<\/a>/);
    const source = fs.readFileSync(path.join(PROJECT_ROOT, 'src', 'index.ts'), 'utf8');
    assert.doesNotMatch(source, /export \* from/, 'src/index.ts lists its exports');
    assert.match(fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8'), /\(out\/api\/index\.html\)|out\/api\//, 'the README points to the reference');
  });
});
