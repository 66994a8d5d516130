/**
 * Training-step cost of the small models on plain wasm and with the native addon, with and without
 * the training kernels of src/models/fast-grads.ts, and forward (inference) throughput. Wall time
 * and CPU time (CPU time is less distorted by other load, but counts every thread of the addon).
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend';
import { loadNativeAddon } from '../src/backend/native';
import { getArchitecture } from '../src/models/registry';
import { withFastTrainingKernels } from '../src/models/fast-grads';
import { median } from './_timing';

const BATCH = 64;
const REPS = 5;

/** Median wall and CPU ms of `fn` over REPS runs after one warm-up. */
function timeMs(fn: () => void): { wall: number; cpu: number } {
  fn();
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const show = (t: { wall: number; cpu: number }) => `${t.wall.toFixed(0)} ms (cpu ${t.cpu.toFixed(0)})`;

export async function run(): Promise<void> {
  const backends: Array<'wasm' | 'native'> = 'error' in loadNativeAddon() ? ['wasm'] : ['wasm', 'native'];
  for (const backend of backends) {
    await selectBackend(backend);
    await runOn(backend);
  }
  await selectBackend('wasm');
}

async function runOn(backend: string): Promise<void> {
  for (const name of ['vgg-small', 'resnet-small']) {
    const model = getArchitecture(name).build({ seed: 0 });
    const x = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 10), 'int32'), 10).toFloat());
    const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
    const opt = tf.train.adam(1e-3);
    const step = () => {
      const c = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, vars);
      c?.dataSync();
      c?.dispose();
    };
    const forward = timeMs(() => { const p = model.predict(x) as tf.Tensor; p.dataSync(); p.dispose(); });
    const plain = timeMs(step);
    const fast = await withFastTrainingKernels(async () => timeMs(step));
    process.stdout.write(`${backend} ${name}: forward ${show(forward)}/${BATCH} img; train step ${show(plain)} backend kernels, ` +
      `${show(fast)} with fast-grads (x${(plain.wall / fast.wall).toFixed(2)}); ${(BATCH / fast.wall * 1000).toFixed(0)} train img/s\n`);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  }
}
