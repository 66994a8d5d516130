import * as assert from 'node:assert/strict';
import { decodeChunk, encodeChunk, type ChunkData } from '../../src/extract/chunk';

function sample(): ChunkData {
  return {
    chunk: 3, start: 150, end: 152, nFilters: 2,
    images: {
      image: Int32Array.of(150, 151), label: Int32Array.of(1, 2), pred: Int32Array.of(1, 0), logit: Float32Array.of(2.5, NaN),
      candidates: Int32Array.of(3, 0), kept: Int32Array.of(2, 0), outcome: ['ok', 'nonFinite'],
    },
    patches: {
      image: Int32Array.of(150, 150), patch: Int32Array.of(0, 1), x: Int32Array.of(1, 4), y: Int32Array.of(0, 5),
      size: Int32Array.of(3, 3), label: Int32Array.of(1, 1), pred: Int32Array.of(1, 1),
      score: Float32Array.of(0.7, 0.1), drop: Float32Array.of(0.3, -Infinity),
    },
    scores: Float32Array.of(1.5, -2, 0.25, NaN),
  };
}

describe('extract/chunk', () => {
  it('round-trips a chunk exactly, including non-finite floats', () => {
    const bytes = encodeChunk(sample());
    assert.deepEqual(decodeChunk(bytes), sample());
    assert.deepEqual(encodeChunk(decodeChunk(bytes)), bytes);
  });

  it('rejects foreign or truncated bytes', () => {
    assert.throws(() => decodeChunk(new TextEncoder().encode('hello world!!')), /bad magic/);
    const bytes = encodeChunk(sample());
    assert.throws(() => decodeChunk(bytes.subarray(0, bytes.length - 4), 'c.fmc'), /c.fmc: damaged chunk file \(SHA-256 checksum mismatch\)/);
  });
});
