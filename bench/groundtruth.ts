/**
 * Ground-truth benchmark hot paths (pure code, no model):
 * 1. the planted-parts generator, images per second (64x64 RGB, 100 per class);
 * 2. filter-to-part selectivity on activations shaped like resnet-parts' held-out half
 *    (250 images, 8x8x64) and vgg-parts' (250 images, 16x16x32), 11 parts;
 * 3. the pointing game's chance level (every window position of every image).
 */
import { timeRuns, median } from './_timing';
import { rng } from '../src/util/rng';
import { filterPartSelectivity, generatePlantedParts, partIndex, randomWindowPointing } from '../src/groundtruth';

export async function run(): Promise<void> {
  const gen = await timeRuns(() => generatePlantedParts({ seed: 1, perClass: 100, split: 'test' }), 3, 1);
  process.stdout.write(`(1) generator: 500 images in ${median(gen).toFixed(0)} ms median of 3 = ${(500 / (median(gen) / 1000)).toFixed(0)} images/s\n`);
  const g = generatePlantedParts({ seed: 1, perClass: 50, split: 'test' });
  const index = partIndex(g.truth.parts, g.set.classNames);
  const planted = g.truth.images.map((im) => im.parts);
  for (const [h, w, F] of [[8, 8, 64], [16, 16, 32]]) {
    const r = rng(2);
    const data = Float32Array.from({ length: g.set.n * h * w * F }, () => r.next());
    const t = await timeRuns(() => filterPartSelectivity({ data, n: g.set.n, h, w, F, imageHeight: 64, imageWidth: 64 }, planted, index), 5, 1);
    process.stdout.write(`(2) selectivity, ${g.set.n} images x ${h}x${w}x${F}, ${index.names.length} parts: ${median(t).toFixed(1)} ms median of 5\n`);
  }
  const c = await timeRuns(() => randomWindowPointing(planted, g.set.labels, index, 16, 64, 64), 3, 1);
  process.stdout.write(`(3) pointing-game chance level, ${g.set.n} images, window 16: ${median(c).toFixed(1)} ms median of 3\n`);
}
