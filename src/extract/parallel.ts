/**
 * The dataset run on several cores: `workers` threads each run shard `i/workers` of the same run
 * folder with their own tf.js backend (the wasm backend is single-threaded in Node), then the calling thread merges. Per-image seeds make the result identical to a
 * single-thread run on the same backend.
 */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { serializeModel } from '../models/io';
import { progressReporter } from '../util/progress';
import { mergeExtraction, missingChunks, needsMerge, type MergeResult } from './merge';
import { readManifest } from './manifest';
import type { ExtractRunOptions } from './run';
import type { ExtractDataSource } from './source';
import type { ExtractWorkerMessage, ExtractWorkerRun } from './worker';

/** Options of {@link extractDatasetParallel}. */
export interface ParallelExtractOptions extends Omit<ExtractRunOptions, 'shard' | 'onProgress'> {
  /** Number of worker threads (one shard each). */
  workers: number;
  /** Backend of every worker. Default `'wasm'`. */
  backend?: 'wasm' | 'cpu';
}

/** What {@link extractDatasetParallel} did. */
export interface ParallelExtractResult {
  out: string;
  chunksComputed: number[];
  chunksSkipped: number[];
  complete: boolean;
  merged?: MergeResult;
}

/**
 * Runs (or resumes) an extraction with one worker thread per shard.
 * @param model the classifier (sent to every worker as in-memory artifacts)
 * @param data a source made by `imageSetSource` (workers rebuild it from the image set)
 * @throws if the source cannot be sent to workers, or a worker fails (with its message)
 */
export async function extractDatasetParallel(model: tf.LayersModel, data: ExtractDataSource, options: ParallelExtractOptions): Promise<ParallelExtractResult> {
  const { workers: count, backend = 'wasm', progress, merge = true, ...rest } = options;
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`extractDatasetParallel: workers must be a positive integer, got ${count}`);
  if (!data.imageSet) throw new Error(`extractDatasetParallel: data source '${data.name}' cannot be sent to worker threads (make it with imageSetSource)`);
  const artifacts = await serializeModel(model);
  const reporter = progress ? progressReporter(progress) : null;
  const done = new Array<number>(count).fill(0), total = new Array<number>(count).fill(0);
  const t0 = Date.now();
  const state = () => {
    const d = done.reduce((a, b) => a + b, 0), t = total.reduce((a, b) => a + b, 0);
    const ips = d / Math.max(1e-3, (Date.now() - t0) / 1000);
    return { label: `extract x${count} workers`, done: d, total: t, imagesPerSecond: ips, etaSeconds: ips > 0 ? (t - d) / ips : undefined };
  };
  const results = await Promise.all(Array.from({ length: count }, (_, i) => new Promise<{ chunksComputed: number[]; chunksSkipped: number[] }>((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'worker.js'));
    const finish = (f: () => void) => { void worker.terminate(); f(); };
    worker.on('message', (m: ExtractWorkerMessage) => {
      if (m.type === 'progress') { done[i] = m.done; total[i] = m.total; reporter?.update(state()); }
      else if (m.type === 'done') finish(() => resolve(m));
      else finish(() => reject(new Error(`extract worker ${i}/${count}: ${m.message}`)));
    });
    worker.once('error', (e) => finish(() => reject(e)));
    const msg: ExtractWorkerRun = {
      type: 'run', backend, artifacts, source: data.imageSet!,
      options: { ...rest, modelName: rest.modelName ?? model.name, shard: { index: i, count }, merge: false },
    };
    worker.postMessage(msg);
  })));
  if (reporter && results.some((r) => r.chunksComputed.length)) reporter.end(state());
  const manifest = readManifest(options.out);
  const complete = missingChunks(options.out, manifest).length === 0;
  const computed = results.flatMap((r) => r.chunksComputed).sort((a, b) => a - b);
  const ks = options.ks ?? manifest.ks;
  const merged = complete && merge && (computed.length > 0 || needsMerge(options.out, ks))
    ? mergeExtraction(options.out, { ks }) : undefined;
  return {
    out: options.out, chunksComputed: computed, chunksSkipped: results.flatMap((r) => r.chunksSkipped).sort((a, b) => a - b),
    complete, ...(merged ? { merged } : {}),
  };
}
