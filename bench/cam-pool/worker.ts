/**
 * Worker-thread entry of {@link CamWorkerPool}: its own tf.js with its own backend (the wasm
 * backend is single-threaded in Node, so one worker per core uses the machine), a copy of the model
 * and a split at the explained layer. Receives image batches, returns {@link CamArrays}.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend';
import { splitModel, type ModelSplit } from '../../src/graph/split';
import { computeCamArrays } from '../../src/cam/explain';
import { predictedClass, classTarget, classTargets, type CamTarget } from '../../src/cam/targets';
import type { FromWorker, PoolTarget, ToWorker } from './protocol';

let split: ModelSplit | null = null;

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  (parentPort as NonNullable<typeof parentPort>).postMessage(msg, transfer);
}

function toTarget(t: PoolTarget): CamTarget {
  switch (t.kind) {
    case 'predicted': return predictedClass();
    case 'class': return classTarget(t.k);
    case 'classes': return classTargets(t.classes);
  }
}

async function handle(msg: ToWorker): Promise<void> {
  if (msg.type === 'init') {
    await selectBackend(msg.backend);
    const model = await tf.loadLayersModel(tf.io.fromMemory(msg.artifacts));
    split = splitModel(model, msg.layer, { foldBatchNorm: msg.foldBatchNorm });
    post({ type: 'ready', backend: tf.getBackend(), inputShape: split.inputShape, activationShape: split.activationShape, numClasses: split.numClasses });
    return;
  }
  if (!split) throw new Error('cam-worker: run before init');
  const t0 = performance.now();
  const images = tf.tensor4d(msg.images, msg.shape);
  try {
    const raw = await computeCamArrays(split, images, { target: toTarget(msg.target), gradients: msg.gradients });
    // Copies we own, so transferring them cannot detach a backend's storage (cpu's data() is no copy).
    const arrays = { ...raw, activations: raw.activations.slice(), gradients: raw.gradients?.slice() ?? null, logits: raw.logits.slice(), mask: raw.mask.slice() };
    const buffers = [arrays.activations, arrays.gradients, arrays.logits, arrays.mask]
      .filter((a): a is Float32Array => a != null).map((a) => a.buffer as ArrayBuffer);
    post({ type: 'result', id: msg.id, arrays, ms: performance.now() - t0 }, buffers);
  } finally {
    images.dispose();
  }
}

if (parentPort) {
  // Messages are handled one at a time, in order.
  let queue = Promise.resolve();
  parentPort.on('message', (msg: ToWorker) => {
    queue = queue.then(() => handle(msg)).catch((e: unknown) => {
      post({ type: 'error', id: msg.type === 'run' ? msg.id : null, message: e instanceof Error ? e.stack ?? e.message : String(e) });
    });
  });
}
