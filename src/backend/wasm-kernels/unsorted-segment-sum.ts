/**
 * `UnsortedSegmentSum` for backends that lack it (wasm); it is the gradient of `tf.gather`.
 * out[s, ...] = sum of x[k, ...] over the k with segmentIds[k] = s; ids outside [0, numSegments)
 * contribute nothing (TensorFlow drops negative ids). Built on `scatterND`, which adds duplicates:
 * the cost is one pass over x, not numSegments passes.
 */
import * as tf from '@tensorflow/tfjs';
import { opKernel } from './op-kernel';

/**
 * The `UnsortedSegmentSum` kernel for a backend, built from its own ops.
 * @param backendName e.g. `wasm`
 */
export function unsortedSegmentSumConfig(backendName: string): tf.KernelConfig {
  return opKernel<tf.UnsortedSegmentSumAttrs>(tf.UnsortedSegmentSum, backendName, ({ x, segmentIds }, { numSegments }) => {
    const k = segmentIds.size;
    const inner = x.shape.slice(segmentIds.rank);
    const width = inner.reduce((a, b) => a * b, 1);
    const x2 = tf.reshape(x, [k, width]);
    // Out-of-range ids go to an extra trash segment that is cut off afterwards.
    const ids = tf.cast(tf.reshape(segmentIds, [k]), 'int32');
    const valid = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, numSegments));
    const routed = tf.where(valid, ids, tf.fill([k], numSegments, 'int32'));
    const summed = tf.scatterND(tf.reshape(routed, [k, 1]), x2, [numSegments + 1, width]);
    return tf.reshape(tf.slice(summed, [0, 0], [numSegments, width]), [numSegments, ...inner]);
  });
}
