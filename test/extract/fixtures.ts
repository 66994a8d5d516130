import * as tf from '@tensorflow/tfjs';
import type { ImageSet } from '../../src/data/image-set';
import { rng } from '../../src/util/rng';

/**
 * A tiny seeded CNN for 12x12x1 images: conv(4, stride 2) -> conv 'feat'(6) -> GAP -> dense(3).
 * Zero biases, so a blank image gives all-zero activations (a zero heatmap).
 */
export function tinyModel(seed = 1): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotNormal({ seed: seed * 10 + s });
  const m = tf.sequential({ name: 'tiny' });
  m.add(tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(1), name: 'c1' }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2), name: 'feat' }));
  m.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
  m.add(tf.layers.dense({ units: 3, kernelInitializer: init(3), name: 'logits' }));
  return m;
}

/** `n` random 12x12 grey images with labels in [0, 3); every 25th image is blank. */
export function tinyImageSet(n: number, seed = 3): ImageSet {
  const r = rng(seed);
  const images = new Uint8Array(n * 144);
  for (let i = 0; i < n; i++) {
    if (i % 25 === 24) continue;
    for (let p = 0; p < 144; p++) images[i * 144 + p] = r.int(256);
  }
  const labels = Uint8Array.from({ length: n }, () => r.int(3));
  return { images, labels, n, height: 12, width: 12, classNames: ['a', 'b', 'c'], checksum: `tiny-${n}-${seed}` };
}
