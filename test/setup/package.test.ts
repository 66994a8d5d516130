/**
 * package.json house-keeping that npm only warns about: every dependency with an install script
 * is reviewed in `allowScripts` (npm 11 prints an advisory for the others on every install, and
 * npm 12 will not run them), and `engines` names a Node.js that loads arquero (an ES module)
 * through `require`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from './run-script';

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')) as T;

describe('package.json', () => {
  const pj = readJson<{ allowScripts?: Record<string, boolean>; engines?: { node?: string } }>('package.json');

  it('allowScripts reviews every locked dependency that has an install script', () => {
    const lock = readJson<{ packages: Record<string, { hasInstallScript?: boolean }> }>('package-lock.json');
    const withScripts = Object.entries(lock.packages)
      .filter(([p, v]) => p !== '' && v.hasInstallScript)
      .map(([p]) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
    assert.ok(withScripts.length > 0, 'the lock file lists packages with install scripts (else this test checks nothing)');
    const reviewed = Object.keys(pj.allowScripts ?? {});
    assert.deepEqual(withScripts.filter((n) => !reviewed.includes(n)), [], `review these in package.json "allowScripts" (true runs, false skips)`);
  });

  it('engines asks for a Node.js with require(esm) (20.19+ or 22.12+)', () => {
    assert.equal(pj.engines?.node, '^20.19.0 || >=22.12.0');
    const [major, minor] = process.versions.node.split('.').map(Number);
    assert.ok((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22, `this Node.js ${process.versions.node} is outside engines`);
  });
});
