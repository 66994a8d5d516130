/**
 * Messages between the benchmark's CamWorkerPool (pool.ts) and its workers (worker.ts).
 * Only structured-clonable data: typed arrays, plain objects, model artifacts.
 */
import type * as tf from '@tensorflow/tfjs';
import type { CamArrays } from '../../src/cam/explain';

/** A target that can cross a thread boundary (functions cannot). */
export type PoolTarget =
  | { kind: 'predicted' }
  | { kind: 'class'; k: number }
  | { kind: 'classes'; classes: Int32Array };

/** Main -> worker: load the model and split it. */
export interface InitMessage {
  type: 'init';
  artifacts: tf.io.ModelArtifacts;
  layer: string;
  backend: 'wasm' | 'cpu';
  /** Fold batch norms of the body (see src/graph/fold.ts). */
  foldBatchNorm: boolean;
}

/** Main -> worker: run one batch. */
export interface RunMessage {
  type: 'run';
  id: number;
  /** NHWC pixels. */
  images: Float32Array;
  shape: [number, number, number, number];
  target: PoolTarget;
  /** Compute the gradient (false: forward only, e.g. gradient-free methods or throughput tests). */
  gradients: boolean;
}

/** Worker -> main: the model is ready. */
export interface ReadyMessage {
  type: 'ready';
  backend: string;
  inputShape: [number, number, number];
  activationShape: [number, number, number];
  numClasses: number;
}

/** Worker -> main: a batch result. */
export interface ResultMessage {
  type: 'result';
  id: number;
  arrays: CamArrays;
  /** Milliseconds spent computing in the worker. */
  ms: number;
}

/** Worker -> main: something failed. */
export interface ErrorMessage {
  type: 'error';
  id: number | null;
  message: string;
}

/** Any message the pool sends to a worker. */
export type ToWorker = InitMessage | RunMessage;
/** Any message a worker sends to the pool. */
export type FromWorker = ReadyMessage | ResultMessage | ErrorMessage;
