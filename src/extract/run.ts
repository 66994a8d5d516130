/**
 * The dataset run (docs/method.md, Pipeline steps 1-3 at scale): streams a labelled image set through
 * {@link extractBatch} chunk by chunk, writing each finished chunk atomically to
 * `<out>/chunks/`. Because a chunk file appears only when complete (temp file + rename), a run
 * killed at any moment resumes by skipping the chunks already there. `shard: {index, count}`
 * restricts a process to chunks `c` with `c % count == index`, so N processes or array jobs can
 * split the work over one folder; {@link mergeExtraction} joins them. Seeds are per image, so
 * neither chunking, sharding nor resuming changes the result.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { softmaxOutputLayer, splitModel } from '../graph/split';
import { activeBackendId } from '../backend/select';
import { progressReporter, type ProgressSink } from '../util/progress';
import { writeFileAtomic } from '../util/files';
import { packageVersion } from '../util/package-root';
import { DEFAULT_TOP_KS } from '../transactions/store';
import { encodeChunk } from './chunk';
import { EXTRACT_FORMAT_VERSION, makeManifest, openRunFolder, type ExtractManifest } from './manifest';
import { checkKsFitLayer, chunkPath, mergeExtraction, missingChunks, needsMerge, type MergeResult } from './merge';
import { extractBatch, extractionDefaults, type ExtractionParams } from './pipeline';
import { currentSlurmJob, slurmJobEnded } from './slurm';
import { modelFingerprint, type ExtractDataSource } from './source';

/** Which slice of the chunks a process handles: chunks `c` with `c % count == index`. */
export interface Shard { index: number; count: number }

/** Options of {@link extractDataset}. */
export interface ExtractRunOptions extends ExtractionParams {
  /** The analysed layer (a layer with a spatial output). */
  layer: string;
  /** The run folder (created if needed). */
  out: string;
  /** k values of the transaction tables written at merge. Default [5, 10, 25]. */
  ks?: number[];
  /** Images per chunk file. Default 500. */
  chunkSize?: number;
  /** Images per forward/backward pass. Default 64. */
  batchSize?: number;
  /** This process's slice of the chunks. Default: all. */
  shard?: Shard;
  /** Process at most this many new chunks in this call, then return (time-boxed jobs; tests use it to simulate a crash). */
  maxChunks?: number;
  /** Where the progress bar goes (e.g. `process.stderr`); default none. */
  progress?: ProgressSink | null;
  /** Called after every batch with the images done and to do in this call. */
  onProgress?: (done: number, total: number) => void;
  /** Merge when every chunk is done after this call. Default true. */
  merge?: boolean;
  /** A name for the model in the manifest. Default: `model.name`. */
  modelName?: string;
  /**
   * Run the split with the inference rewrites of src/graph/fold.ts (batch norm folded into
   * convolutions, fused ReLUs and residual joins): the same results up to float rounding, fewer
   * passes over the data (for ResNet50 about twice the Grad-CAM and occlusion throughput).
   * Recorded in the manifest. Default true.
   */
  fold?: boolean;
}

/** What {@link extractDataset} did. */
export interface ExtractRunResult {
  out: string;
  manifest: ExtractManifest;
  /** Chunks computed by this call, and chunks of this shard found already done. */
  chunksComputed: number[];
  chunksSkipped: number[];
  /** True if every chunk of the run (all shards) is done. */
  complete: boolean;
  /** Set when this call merged the run. */
  merged?: MergeResult;
}

const defaults = { chunkSize: 500, batchSize: 64, merge: true } as const;

/**
 * Runs (or resumes) an extraction over a data set.
 * @param model the classifier (pre-softmax logits, or a final softmax that the split strips)
 * @param data the images and labels (see {@link imageSetSource})
 * @returns what was computed and whether the run is complete; no tensor is left allocated
 * @throws if `out` holds a run with different parameters, or an option is out of range
 * @example
 * await extractDataset(model, imageSetSource(loadFashionMnist('test'), 'fashion-mnist-test'),
 *   { layer: 'block3_conv2', out: 'runs/vgg', progress: process.stderr });
 */
export async function extractDataset(model: tf.LayersModel, data: ExtractDataSource, options: ExtractRunOptions): Promise<ExtractRunResult> {
  const o = { ...options, chunkSize: options.chunkSize ?? defaults.chunkSize, batchSize: options.batchSize ?? defaults.batchSize, merge: options.merge ?? defaults.merge };
  const ks = o.ks ?? [...DEFAULT_TOP_KS];
  const shard = o.shard ?? { index: 0, count: 1 };
  checkOptions(o.chunkSize, o.batchSize, shard, ks, o.maxChunks);
  if (data.n < 1) throw new Error(`extractDataset: the data set '${data.name}' has no images; expected at least one`);
  const params = resolveParams(o, o.batchSize);
  const fold = o.fold ?? true;
  const split = splitModel(model, o.layer, { foldBatchNorm: fold });
  let lock: RunLock | undefined;
  try {
    checkKsFitLayer(ks, split.activationShape[2], o.layer);
    const manifest = makeManifest({
      formatVersion: EXTRACT_FORMAT_VERSION,
      packageVersion: packageVersion(),
      model: {
        name: o.modelName ?? model.name, fingerprint: modelFingerprint(model), layer: o.layer, folded: fold,
        ...(split.strippedSoftmax ? { softmaxStripped: softmaxOutputLayer(model) ?? 'softmax' } : {}),
      },
      data: { name: data.name, checksum: data.checksum, n: data.n, shape: data.shape },
      backend: activeBackendId(),
      params,
      chunkSize: o.chunkSize,
      batchSize: o.batchSize,
    }, ks);
    openRunFolder(o.out, manifest);
    if (data.spec) writeFileAtomic(path.join(o.out, 'data-source.json'), JSON.stringify(data.spec, null, 2) + '\n');
    if (data.rejected) writeFileAtomic(path.join(o.out, 'rejected-files.json'), JSON.stringify(data.rejected, null, 2) + '\n');
    lock = acquireRunLock(o.out, shard);
    const mine = Array.from({ length: manifest.nChunks }, (_, c) => c).filter((c) => c % shard.count === shard.index);
    cleanTempFiles(o.out, mine);
    const todo = mine.filter((c) => !fs.existsSync(chunkPath(o.out, c)));
    const skipped = mine.filter((c) => !todo.includes(c));
    const run = o.maxChunks !== undefined ? todo.slice(0, o.maxChunks) : todo;
    const total = run.reduce((a, c) => a + chunkRange(c, o.chunkSize, data.n)[1] - chunkRange(c, o.chunkSize, data.n)[0], 0);
    const reporter = o.progress ? progressReporter(o.progress) : null;
    const t0 = Date.now();
    let done = 0;
    const state = () => {
      const sec = (Date.now() - t0) / 1000;
      const ips = sec > 0 ? done / sec : 0;
      return { label: `extract${shard.count > 1 ? ` shard ${shard.index}/${shard.count}` : ''}`, done, total, imagesPerSecond: ips, etaSeconds: ips > 0 ? (total - done) / ips : undefined };
    };
    for (const c of run) {
      const [start, end] = chunkRange(c, o.chunkSize, data.n);
      const parts = [];
      for (let b = start; b < end; b += o.batchSize) {
        const e = Math.min(end, b + o.batchSize);
        const indices = Int32Array.from({ length: e - b }, (_, i) => b + i);
        const labels = Int32Array.from(indices, (i) => data.labels[i]);
        parts.push(await extractBatch(split, { images: data.pixels(b, e), shape: [e - b, ...data.shape], indices, labels }, params));
        done += e - b;
        reporter?.update(state());
        o.onProgress?.(done, total);
      }
      writeFileAtomic(chunkPath(o.out, c), encodeChunk(joinParts(c, start, end, parts, split.activationShape[2])));
    }
    if (reporter && run.length) reporter.end(state());
    const complete = missingChunks(o.out, manifest).length === 0;
    const merged = complete && o.merge && (run.length > 0 || needsMerge(o.out, ks))
      ? mergeExtraction(o.out, { ks }) : undefined;
    return { out: o.out, manifest, chunksComputed: run, chunksSkipped: skipped, complete, ...(merged ? { merged } : {}) };
  } finally {
    lock?.release();
    split.dispose();
  }
}

/** A lock file held while a process computes chunks of a run folder (one per shard). */
interface RunLock { file: string; release(): void }

/** True if a process with this id runs on this machine. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<out>/lock-<i>of<n>`, so a second process on the same folder and shard stops at once
 * instead of computing the same chunks. A lock left by a process that no longer runs (same host),
 * or by a Slurm job that has ended (any host), is taken over.
 * @throws naming the holder and the lock file when another live process holds it
 */
function acquireRunLock(out: string, shard: Shard): RunLock {
  const file = path.join(out, `lock-${shard.index}of${shard.count}`);
  const slurmJob = currentSlurmJob();
  const me = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), ...(slurmJob ? { slurmJob } : {}) };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me) + '\n', { flag: 'wx' });
      return { file, release: () => fs.rmSync(file, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: { pid?: number; host?: string; started?: string; slurmJob?: string } = {};
    try { holder = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* half-written: treat as held */ }
    const stale = (holder.host === me.host && typeof holder.pid === 'number' && !processAlive(holder.pid)) ||
      (typeof holder.slurmJob === 'string' && holder.slurmJob !== slurmJob && slurmJobEnded(holder.slurmJob));
    if (!stale) {
      throw new Error(`${out} is being extracted by another process (pid ${holder.pid ?? '?'} on ${holder.host ?? '?'}, ` +
        `since ${holder.started ?? '?'}; lock file ${file}); wait for it to finish, run another shard, ` +
        `or delete the lock file if that process is gone`);
    }
    fs.rmSync(file, { force: true });
  }
  throw new Error(`${out}: could not take the lock file ${file}`);
}

/** Image range `[start, end)` of chunk `c`. */
export function chunkRange(c: number, chunkSize: number, n: number): [number, number] {
  return [c * chunkSize, Math.min(n, (c + 1) * chunkSize)];
}

/**
 * Parses `i/n` (e.g. `0/4`) into a shard.
 * @throws unless `0 <= i < n`
 */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const s = m ? { index: Number(m[1]), count: Number(m[2]) } : null;
  if (!s || !(s.count >= 1 && s.index < s.count)) throw new Error(`shard must be 'i/n' with 0 <= i < n, got '${text}'`);
  return s;
}

function resolveParams(o: ExtractionParams, batchSize: number): Required<Omit<ExtractionParams, 'patch'>> & { patch: Record<string, unknown> } {
  return {
    method: o.method ?? extractionDefaults.method,
    sampler: o.sampler ?? extractionDefaults.sampler,
    patch: { ...(o.patch ?? {}) },
    threshold: o.threshold ?? extractionDefaults.threshold,
    seed: o.seed ?? extractionDefaults.seed,
    occlusionBatch: o.occlusionBatch ?? batchSize,
  };
}

function checkOptions(chunkSize: number, batchSize: number, shard: Shard, ks: number[], maxChunks: number | undefined): void {
  if (!(Number.isInteger(chunkSize) && chunkSize >= 1)) throw new Error(`extractDataset: chunkSize must be a positive integer, got ${chunkSize}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`extractDataset: batchSize must be a positive integer, got ${batchSize}`);
  if (!(Number.isInteger(shard.count) && shard.count >= 1 && Number.isInteger(shard.index) && shard.index >= 0 && shard.index < shard.count)) {
    throw new Error(`extractDataset: shard must satisfy 0 <= index < count, got ${shard.index}/${shard.count}`);
  }
  if (!(ks.length > 0 && ks.every((k) => Number.isInteger(k) && k >= 1))) throw new Error(`extractDataset: ks must be positive integers, got [${ks.join(', ')}]`);
  if (maxChunks !== undefined && !(Number.isInteger(maxChunks) && maxChunks >= 0)) throw new Error(`extractDataset: maxChunks must be a non-negative integer, got ${maxChunks}`);
}

function joinParts(chunk: number, start: number, end: number, parts: Awaited<ReturnType<typeof extractBatch>>[], nFilters: number) {
  const catI = (pick: (p: (typeof parts)[number]) => Int32Array) => concat(parts.map(pick), Int32Array);
  const catF = (pick: (p: (typeof parts)[number]) => Float32Array) => concat(parts.map(pick), Float32Array);
  return {
    chunk, start, end, nFilters,
    images: {
      image: catI((p) => p.images.image), label: catI((p) => p.images.label), pred: catI((p) => p.images.pred),
      logit: catF((p) => p.images.logit), candidates: catI((p) => p.images.candidates), kept: catI((p) => p.images.kept),
      outcome: parts.flatMap((p) => p.images.outcome),
    },
    patches: {
      image: catI((p) => p.patches.image), patch: catI((p) => p.patches.patch), x: catI((p) => p.patches.x), y: catI((p) => p.patches.y),
      size: catI((p) => p.patches.size), label: catI((p) => p.patches.label), pred: catI((p) => p.patches.pred),
      score: catF((p) => p.patches.score), drop: catF((p) => p.patches.drop),
    },
    scores: catF((p) => p.scores),
  };
}

function concat<T extends Int32Array | Float32Array>(arrays: T[], Ctor: new (n: number) => T): T {
  const out = new Ctor(arrays.reduce((a, x) => a + x.length, 0));
  let at = 0;
  for (const a of arrays) { out.set(a as never, at); at += a.length; }
  return out;
}

/**
 * Removes temp files a killed writer of this shard's chunks left behind (they never count as
 * finished chunks). Other shards' temp files are left alone: their writers may be running.
 */
function cleanTempFiles(out: string, chunks: number[]): void {
  const dir = path.dirname(chunkPath(out, 0));
  if (!fs.existsSync(dir)) return;
  const mine = new Set(chunks.map((c) => path.basename(chunkPath(out, c))));
  for (const f of fs.readdirSync(dir)) {
    const i = f.indexOf('.tmp-');
    if (i > 0 && mine.has(f.slice(0, i))) fs.rmSync(path.join(dir, f), { force: true });
  }
}

