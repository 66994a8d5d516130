import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJson, jsonDifferences, makeManifest, openRunFolder, type RunIdentity } from '../../src/extract/manifest';

const identity = (seed: number): RunIdentity => ({
  formatVersion: 1, packageVersion: '0.1.0', model: { name: 'm', fingerprint: 'abc', layer: 'feat' },
  data: { name: 'd', checksum: 'x', n: 10, shape: [12, 12, 1] }, backend: 'cpu',
  params: { seed, method: 'gradcam' }, chunkSize: 4, batchSize: 2,
});

describe('extract/manifest', () => {
  it('canonical JSON sorts keys at every level', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } }), '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it('lists the leaf paths that differ', () => {
    assert.deepEqual(jsonDifferences(identity(1), identity(2)), ['params.seed']);
    assert.deepEqual(jsonDifferences(identity(1), identity(1)), []);
  });

  it('counts chunks and fingerprints the identity', () => {
    const m = makeManifest(identity(1), [5]);
    assert.equal(m.nChunks, 3);
    assert.equal(m.fingerprint, makeManifest(identity(1), [10]).fingerprint);
    assert.notEqual(m.fingerprint, makeManifest(identity(2), [5]).fingerprint);
  });

  it('opens a new folder, accepts the same run again and refuses a different one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-manifest-'));
    try {
      assert.equal(openRunFolder(dir, makeManifest(identity(1), [5])), true);
      assert.equal(openRunFolder(dir, makeManifest(identity(1), [5])), false);
      assert.throws(() => openRunFolder(dir, makeManifest(identity(2), [5])), /different parameters \(differs in: params.seed\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
