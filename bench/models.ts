/**
 * Training-step cost of the small models on wasm, with and without the training kernels of
 * src/models/fast-grads.ts, and forward (inference) throughput. CPU time, so that other load on
 * the machine distorts it less than wall time.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend';
import { getArchitecture } from '../src/models/registry';
import { withFastTrainingKernels } from '../src/models/fast-grads';
import { median } from './_timing';

const BATCH = 64;
const REPS = 5;

/** Median CPU ms of `fn` over REPS runs after one warm-up. */
function cpuMs(fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1000);
  }
  return median(times);
}

export async function run(): Promise<void> {
  await selectBackend('wasm');
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
    const forward = cpuMs(() => { const p = model.predict(x) as tf.Tensor; p.dataSync(); p.dispose(); });
    const plain = cpuMs(step);
    const fast = await withFastTrainingKernels(async () => cpuMs(step));
    process.stdout.write(`${name}: forward ${forward.toFixed(0)} ms/${BATCH} img (${(BATCH / forward * 1000).toFixed(0)} img/cpu-s); ` +
      `train step ${plain.toFixed(0)} ms backend kernels, ${fast.toFixed(0)} ms with fast-grads (x${(plain / fast).toFixed(2)}); ` +
      `${(BATCH / fast * 1000).toFixed(0)} train img/cpu-s\n`);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  }
}
