/**
 * Benchmark tooling (not part of the library): CAM on several cores with a pool of worker threads,
 * each with its own tf.js, backend and copy of the model, to measure what plain wasm (one thread
 * per backend in Node) reaches with one worker per core, next to the native addon. The library's
 * one multi-thread path is `extractDatasetParallel` (src/extract/parallel.ts). Batches are cut into chunks that idle workers pull
 * from a shared queue; the pure CAM core (weights, upsampling, normalisation) runs on the calling
 * thread, so any registered method works and results equal {@link explain}'s.
 */
import { Worker } from 'node:worker_threads';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { explanationsFromArrays, type CamArrays, type Explanation, type ExplainResult } from '../../src/cam/explain';
import { getCamMethod } from '../../src/cam/registry';
import { serializeModel } from '../../src/models/io';
import type { FromWorker, PoolTarget, ReadyMessage, RunMessage } from './protocol';

/** Options of {@link CamWorkerPool.start}. */
export interface CamWorkerPoolOptions {
  /** Number of worker threads. Default: `os.availableParallelism()`. */
  workers?: number;
  /** Backend of each worker. Default `'wasm'`. */
  backend?: 'wasm' | 'cpu';
  /**
   * Fold `Conv2D -> BatchNormalization [-> ReLU]` in the workers' bodies (src/graph/fold.ts): same
   * results up to float rounding, faster on ResNets. Default true.
   */
  foldBatchNorm?: boolean;
}

/** Options of {@link CamWorkerPool.explain}; like `ExplainOptions`, with a serialisable target. */
export interface PoolExplainOptions {
  /** Registered CAM method (looked up on the calling thread). Default `'gradcam'`. */
  method?: string;
  /** `'predicted'` (default), a class index for all images, or one class per image. */
  target?: 'predicted' | number | ArrayLike<number>;
  /** `'input'` (default), `'layer'` or `[height, width]`. */
  outputSize?: 'input' | 'layer' | readonly [number, number];
  /** `'minmax'` (default) or `'none'`. */
  normalise?: 'minmax' | 'none';
  /** Images per worker call. Default: the batch split evenly over the workers. */
  batchSize?: number;
  /** Also return the NHWC activations of all images. Default false. */
  returnActivations?: boolean;
}

const defaults = { method: 'gradcam', target: 'predicted' as const, outputSize: 'input' as const, normalise: 'minmax' as const, returnActivations: false };

interface PoolWorker {
  worker: Worker;
  pending: Map<number, { resolve: (a: CamArrays) => void; reject: (e: Error) => void }>;
}

/** A pool of CAM workers; see the module doc. Create with {@link CamWorkerPool.start}, end with `close()`. */
export class CamWorkerPool {
  /** Number of workers. */
  readonly size: number;
  /** The explained layer. */
  readonly layerName: string;
  /** `[h, w, c]` at the layer. */
  readonly layerShape: [number, number, number];
  /** `[H, W, C]` of the model input. */
  readonly inputShape: [number, number, number];
  /** Backend the workers run. */
  readonly backend: string;
  private readonly workers: PoolWorker[];
  private nextId = 0;
  private closed = false;

  private constructor(workers: PoolWorker[], layerName: string, ready: ReadyMessage) {
    this.workers = workers;
    this.size = workers.length;
    this.layerName = layerName;
    this.layerShape = ready.activationShape;
    this.inputShape = ready.inputShape;
    this.backend = ready.backend;
  }

  /**
   * Starts the workers, sends each a copy of the model and splits it at `layer`.
   * @param model the model (stays usable on the calling thread)
   * @param layer the layer to explain
   * @param options see {@link CamWorkerPoolOptions}
   * @returns a ready pool
   * @throws {Error} if a worker fails to load the model or the layer is invalid (listing valid names)
   */
  static async start(model: tf.LayersModel, layer: string, options: CamWorkerPoolOptions = {}): Promise<CamWorkerPool> {
    const count = options.workers ?? os.availableParallelism();
    if (!Number.isInteger(count) || count < 1) throw new Error(`CamWorkerPool: workers must be a positive integer, got ${count}`);
    const backend = options.backend ?? 'wasm';
    if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`CamWorkerPool: backend must be 'wasm' or 'cpu', got ${String(backend)}`);
    const artifacts = await serializeModel(model);
    const workers: PoolWorker[] = [];
    try {
      const readies = await Promise.all(Array.from({ length: count }, () => {
        const worker = new Worker(path.join(__dirname, 'worker.js'));
        const pw: PoolWorker = { worker, pending: new Map() };
        workers.push(pw);
        return new Promise<ReadyMessage>((resolve, reject) => {
          const onMessage = (m: FromWorker) => {
            if (m.type === 'ready') { worker.off('message', onMessage); resolve(m); }
            else if (m.type === 'error') reject(new Error(`CamWorkerPool: worker failed to start: ${m.message}`));
          };
          worker.on('message', onMessage);
          worker.once('error', reject);
          worker.postMessage({ type: 'init', artifacts, layer, backend, foldBatchNorm: options.foldBatchNorm ?? true });
        });
      }));
      const pool = new CamWorkerPool(workers, layer, readies[0]);
      for (const pw of workers) pool.listen(pw);
      return pool;
    } catch (e) {
      await Promise.all(workers.map((w) => w.worker.terminate()));
      throw e;
    }
  }

  /**
   * Computes activations, gradients, logits and target masks of a batch across the workers.
   * @param images `[n, H, W, C]` (not modified)
   * @param options target, whether to compute gradients, chunk size
   * @returns one {@link CamArrays} per chunk, in image order, with the chunk's first image index
   */
  async computeArrays(
    images: tf.Tensor4D,
    options: { target?: PoolExplainOptions['target']; gradients?: boolean; batchSize?: number } = {},
  ): Promise<Array<{ start: number; arrays: CamArrays }>> {
    if (this.closed) throw new Error('CamWorkerPool: the pool is closed');
    if (!(images instanceof tf.Tensor) || images.rank !== 4) throw new Error('CamWorkerPool: images must be a 4-D tensor [n, height, width, channels]');
    const [n, h, w, c] = images.shape;
    const batchSize = options.batchSize ?? Math.max(1, Math.ceil(n / this.size));
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`CamWorkerPool: batchSize must be a positive integer, got ${batchSize}`);
    const target = options.target ?? 'predicted';
    const classes = typeof target === 'object' ? Int32Array.from(target) : null;
    if (classes && classes.length !== n) throw new Error(`CamWorkerPool: got ${classes.length} target classes for ${n} images`);
    const pixels = await images.data() as Float32Array;
    const per = h * w * c;
    const starts = Array.from({ length: Math.ceil(n / batchSize) }, (_, i) => i * batchSize);
    const results: Array<{ start: number; arrays: CamArrays }> = new Array(starts.length);
    let next = 0;
    await Promise.all(this.workers.map(async (pw) => {
      while (next < starts.length) {
        const i = next++;
        const start = starts[i];
        const m = Math.min(batchSize, n - start);
        const chunkTarget: PoolTarget = classes ? { kind: 'classes', classes: classes.slice(start, start + m) }
          : target === 'predicted' ? { kind: 'predicted' } : { kind: 'class', k: target as number };
        const arrays = await this.run(pw, {
          type: 'run', id: this.nextId++, images: pixels.slice(start * per, (start + m) * per), shape: [m, h, w, c],
          target: chunkTarget, gradients: options.gradients ?? true,
        });
        results[i] = { start, arrays };
      }
    }));
    return results;
  }

  /**
   * Explains a batch with a CAM method across the workers; same result as `explain` on one thread.
   * @param images `[n, H, W, C]` (not modified)
   * @param options see {@link PoolExplainOptions}
   * @returns as `explain`
   * @throws {Error} for an unknown method (listing the registered ones) or bad options
   */
  async explain(images: tf.Tensor4D, options: PoolExplainOptions = {}): Promise<ExplainResult> {
    const o = { ...defaults, ...options };
    const def = getCamMethod(o.method);
    const heatmapSize: [number, number] = o.outputSize === 'input' ? [this.inputShape[0], this.inputShape[1]]
      : o.outputSize === 'layer' ? [this.layerShape[0], this.layerShape[1]] : [o.outputSize[0], o.outputSize[1]];
    const chunks = await this.computeArrays(images, { target: o.target, gradients: def.usesGradients, batchSize: o.batchSize });
    const explanations: Explanation[] = [];
    for (const { arrays } of chunks) explanations.push(...explanationsFromArrays(arrays, def, { outputSize: heatmapSize, normalise: o.normalise }));
    const per = this.layerShape[0] * this.layerShape[1] * this.layerShape[2];
    let activations: Float32Array | undefined;
    if (o.returnActivations) {
      activations = new Float32Array(images.shape[0] * per);
      for (const { start, arrays } of chunks) activations.set(arrays.activations, start * per);
    }
    return {
      method: def.name, layerName: this.layerName, layerShape: [...this.layerShape], heatmapSize, explanations,
      defectCount: explanations.filter((e) => e.defect != null).length, ...(activations ? { activations } : {}),
    };
  }

  /** Stops the workers. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((pw) => pw.worker.terminate()));
  }

  private listen(pw: PoolWorker): void {
    pw.worker.unref(); // an idle pool does not keep the process alive; run() refs while busy
    pw.worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') return;
      const job = m.id == null ? undefined : pw.pending.get(m.id);
      if (!job) return;
      pw.pending.delete(m.id as number);
      if (pw.pending.size === 0) pw.worker.unref();
      if (m.type === 'result') job.resolve(m.arrays);
      else job.reject(new Error(`CamWorkerPool: worker error: ${m.message}`));
    });
    const failAll = (e: Error) => {
      for (const job of pw.pending.values()) job.reject(e);
      pw.pending.clear();
    };
    pw.worker.on('error', failAll);
    pw.worker.on('exit', (code) => failAll(new Error(`CamWorkerPool: worker exited with code ${code}`)));
  }

  private run(pw: PoolWorker, msg: RunMessage): Promise<CamArrays> {
    return new Promise<CamArrays>((resolve, reject) => {
      pw.pending.set(msg.id, { resolve, reject });
      pw.worker.ref();
      pw.worker.postMessage(msg, [msg.images.buffer as ArrayBuffer]);
    });
  }
}
