/**
 * The tfjs pin. The native addon's kernels read private fields of tfjs-backend-wasm's backend
 * object (its tensor map, heap and output allocator), which any tfjs release may rename. This test
 * fails loudly when the installed tfjs is not the version the kernels were written for, or when
 * the live wasm backend lacks one of those fields.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend';
import { NATIVE_TFJS_VERSION, wasmBackendMismatches } from '../../src/backend/native';
import { packageRoot } from '../../src/util/package-root';

const UPGRADE_HINT = 'the native kernels (src/backend/native/kernels.ts) read private fields of the wasm backend: ' +
  'check WasmBackendLike against the new BackendWasm, run test/backend/native.test.ts, then update NATIVE_TFJS_VERSION';

describe('tfjs pin (the native kernels read private wasm-backend fields)', () => {
  it('package.json pins every tfjs package to the version the native kernels were written for', () => {
    const pj = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']) {
      assert.equal(pj.dependencies[name], NATIVE_TFJS_VERSION, `package.json pins ${name} to '${pj.dependencies[name]}'; ${UPGRADE_HINT}`);
    }
  });

  it('the installed tfjs packages are that version', () => {
    for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm']) {
      const version = (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
      assert.equal(version, NATIVE_TFJS_VERSION, `${name} ${version} is installed; ${UPGRADE_HINT}`);
    }
    assert.equal(tf.version_core, NATIVE_TFJS_VERSION, `tfjs-core reports ${tf.version_core}; ${UPGRADE_HINT}`);
  });

  it('the live wasm backend has the private fields the native kernels use, with a tensor offset inside the heap', async () => {
    const before = tf.getBackend();
    await selectBackend('wasm');
    try {
      const backend = tf.findBackend('wasm');
      assert.deepEqual(wasmBackendMismatches(backend), [], UPGRADE_HINT);
      const b = backend as unknown as { dataIdMap: { get(id: tf.DataId): { memoryOffset?: unknown } | undefined }; wasm: { HEAPU8: Uint8Array } };
      const t = tf.tensor1d([1.5, -2, 3]);
      try {
        const offset = b.dataIdMap.get(t.dataId)?.memoryOffset;
        assert.equal(typeof offset, 'number', `dataIdMap entries have no numeric memoryOffset; ${UPGRADE_HINT}`);
        const heap = new Float32Array(b.wasm.HEAPU8.buffer, offset as number, 3);
        assert.deepEqual(Array.from(heap), [1.5, -2, 3], `the tensor's bytes are not at its memoryOffset in wasm.HEAPU8; ${UPGRADE_HINT}`);
      } finally {
        t.dispose();
      }
    } finally {
      if (before && before !== tf.getBackend()) await tf.setBackend(before);
    }
  });
});
