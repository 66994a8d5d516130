/**
 * Worker-thread entry of {@link extractDatasetParallel}: runs one shard of an extraction with its
 * own tf.js backend and model copy, reporting progress to the parent.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../backend';
import { extractDataset, type ExtractRunOptions } from './run';
import { imageSetSource } from './source';
import type { ImageSet } from '../data/image-set';

/** Parent -> worker. */
export interface ExtractWorkerRun {
  type: 'run';
  backend: 'wasm' | 'cpu';
  artifacts: tf.io.ModelArtifacts;
  source: { set: ImageSet; name: string; limit: number };
  options: Omit<ExtractRunOptions, 'progress' | 'onProgress'>;
}

/** Worker -> parent. */
export type ExtractWorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; chunksComputed: number[]; chunksSkipped: number[] }
  | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  port.once('message', async (m: ExtractWorkerRun) => {
    try {
      await selectBackend(m.backend);
      const model = await tf.loadLayersModel(tf.io.fromMemory(m.artifacts));
      try {
        const source = imageSetSource(m.source.set, m.source.name, m.source.limit);
        const r = await extractDataset(model, source, {
          ...m.options, merge: false,
          onProgress: (done, total) => port.postMessage({ type: 'progress', done, total } satisfies ExtractWorkerMessage),
        });
        port.postMessage({ type: 'done', chunksComputed: r.chunksComputed, chunksSkipped: r.chunksSkipped } satisfies ExtractWorkerMessage);
      } finally {
        model.dispose();
      }
    } catch (e) {
      port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies ExtractWorkerMessage);
    }
  });
}
