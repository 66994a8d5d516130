/**
 * The IDX binary format of MNIST-family data sets (LeCun et al.): a magic number giving the
 * element type and rank, the dimension sizes (big-endian uint32), then the raw elements.
 * Pure: bytes in, typed array out.
 */

/** A decoded IDX file: its shape and its elements (only the uint8 type is used by MNIST-like sets). */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/**
 * Decodes an uncompressed IDX buffer of unsigned bytes.
 * @param bytes the file content (already gunzipped)
 * @param name the file's name, used in error messages
 * @throws when the magic number, the element type or the length do not match the header
 */
export function fromIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  if (bytes.length < 4) throw new Error(`${name}: ${bytes.length} bytes is too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${name}: not an IDX file (magic bytes ${bytes[0]},${bytes[1]}, expected 0,0)`);
  }
  if (bytes[2] !== 0x08) {
    throw new Error(`${name}: element type 0x${bytes[2].toString(16)} is not supported (expected 0x08, unsigned byte)`);
  }
  const rank = bytes[3];
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw new Error(`${name}: truncated header (${bytes.length} bytes, rank ${rank})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerLength + count) {
    throw new Error(`${name}: expected ${headerLength + count} bytes for shape [${shape.join(', ')}], got ${bytes.length} (corrupt or truncated)`);
  }
  return { shape, data: bytes.subarray(headerLength) };
}
