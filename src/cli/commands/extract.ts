/**
 * `filtermine extract`: docs/method.md, Pipeline steps 1-3 over a data set (explain -> patches -> occlusion ->
 * filter scores -> transactions), resumable and shardable; `filtermine extract merge` joins shards.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { registerCommand } from '../registry';
import { selectBackend, type BackendName } from '../../backend';
import { loadFashionMnist } from '../../data/fashion-mnist';
import { canonicalJson } from '../../extract/manifest';
import { mergeExtraction } from '../../extract/merge';
import { resolveModel } from '../../extract/model';
import { extractDataset, parseShard } from '../../extract/run';
import { extractDatasetParallel } from '../../extract/parallel';
import { imageSetSource, type ExtractDataSource } from '../../extract/source';
import type { PatchParams } from '../../extract/pipeline';
import { spatialLayerNames } from '../../graph/split';

const usage = `usage: filtermine extract --model vgg-small|resnet-small|DIR [options]
       filtermine extract merge --out DIR [--k 5,10,25]

Explains every image (CAM at a layer), extracts faithful patches, scores the layer's filters in
each patch and writes transaction tables (Arrow + CSV per k). Results are written in chunks as
they are computed; rerun the same command to resume after a crash.

options:
  --model NAME|DIR     shipped model (vgg-small, resnet-small) or a tfjs model folder/URL (required)
  --layer NAME         analysed layer (default: the shipped model's analysis layer)
  --data NAME          fashion-mnist-test (default) or fashion-mnist-train
  --limit N            only the first N images
  --k LIST             k values of the transaction tables (default 5,10,25)
  --out DIR            run folder (default runs/extract/<model>-<layer>-<hash of the options>)
  --shard i/n          process only chunks c with c % n == i (merge when all are done)
  --batch N            images per forward pass (default 64; use about 8 for 224x224 models)
  --chunk N            images per chunk file (default 500)
  --seed S             seed of the patch sampler (default 0)
  --method NAME        CAM method (default: the model card's camMethod, else gradcam)
  --sampler NAME       monte-carlo (default) or dense-nms
  --window N --samples N --rounds N --inset N --stride N --iou X
                       patch parameters (defaults: window = input/4, 1000 samples, 10 rounds,
                       inset = round(window*10/56), stride = window/4, IoU 0.3)
  --threshold X        faithfulness threshold on the drop increment (default 0.1)
  --max-chunks N       stop after N new chunks (rerun to continue)
  --no-merge           never merge, even when this process finishes the run (shards of a
                       scheduler array job, where a dependent job runs \`extract merge\`)
  --backend NAME       auto (default), native, wasm, cpu, tensorflow
  --workers N          run N shards in N worker threads (plain wasm or cpu), then merge; with the
                       native addon (the default when built) one process already uses every core
  --no-fold            run the model as written (default: batch norm folded into convolutions,
                       fused ReLUs and residual joins; same results up to float rounding, faster)
  --quiet              no progress bar
`;

const intOpt = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got '${v}'`);
  return n;
};
const numOpt = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got '${v}'`);
  return n;
};

function parseKs(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const ks = text.split(',').map((s) => Number(s.trim()));
  if (!ks.length || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`--k must be a comma-separated list of positive integers, got '${text}'`);
  return ks;
}

const DATA_SETS: Record<string, (limit?: number) => ExtractDataSource> = {
  'fashion-mnist-test': (limit) => imageSetSource(loadFashionMnist('test'), 'fashion-mnist-test', limit),
  'fashion-mnist-train': (limit) => imageSetSource(loadFashionMnist('train'), 'fashion-mnist-train', limit),
};

async function runMerge(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' }, k: { type: 'string' } }, strict: true });
  if (!values.out) throw new Error('extract merge: --out DIR is required');
  const r = mergeExtraction(values.out, { ks: parseKs(values.k) });
  process.stdout.write(`merged ${r.counts.images} images, ${r.counts.patches} patches into ${r.out}: ${r.files.join(', ')}\n${removedNote(r.removed)}`);
  return 0;
}

async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'merge') return runMerge(argv.slice(1));
  const { values } = parseArgs({
    args: argv, strict: true, options: {
      model: { type: 'string' }, layer: { type: 'string' }, data: { type: 'string', default: 'fashion-mnist-test' },
      limit: { type: 'string' }, k: { type: 'string' }, out: { type: 'string' }, shard: { type: 'string' },
      batch: { type: 'string' }, chunk: { type: 'string' }, seed: { type: 'string' }, method: { type: 'string' },
      sampler: { type: 'string' }, window: { type: 'string' }, samples: { type: 'string' }, rounds: { type: 'string' },
      inset: { type: 'string' }, stride: { type: 'string' }, iou: { type: 'string' }, threshold: { type: 'string' },
      'max-chunks': { type: 'string' }, workers: { type: 'string' }, backend: { type: 'string', default: 'auto' }, quiet: { type: 'boolean', default: false }, 'no-fold': { type: 'boolean', default: false },
      'no-merge': { type: 'boolean', default: false },
    },
  });
  if (!values.model) throw new Error(`extract: --model is required\n\n${usage}`);
  const makeData = DATA_SETS[values.data!];
  if (!makeData) throw new Error(`extract: unknown --data '${values.data}'; known: ${Object.keys(DATA_SETS).join(', ')}`);
  const ks = parseKs(values.k);
  // Checked before the backend and the model load: a bad value fails at once and leaves nothing behind.
  const limit = intOpt('limit', values.limit);
  if (limit !== undefined && limit < 1) throw new Error(`extract: --limit must be a positive integer (images to process), got '${values.limit}'`);
  const backend = await selectBackend(values.backend as BackendName);
  const resolved = await resolveModel(values.model);
  try {
    const layer = values.layer ?? resolved.defaultLayer;
    if (!layer) throw new Error(`extract: --layer is required for model '${resolved.name}'; layers with a spatial output: ${spatialLayerNames(resolved.model).join(', ')}`);
    const data = makeData(limit);
    const patch: PatchParams = {
      windowSize: intOpt('window', values.window), samples: intOpt('samples', values.samples), rounds: intOpt('rounds', values.rounds),
      inset: intOpt('inset', values.inset), stride: intOpt('stride', values.stride), iouThreshold: numOpt('iou', values.iou),
    };
    for (const k of Object.keys(patch) as (keyof PatchParams)[]) if (patch[k] === undefined) delete patch[k];
    const params = {
      method: values.method ?? resolved.defaultMethod, sampler: values.sampler, patch, threshold: numOpt('threshold', values.threshold), seed: intOpt('seed', values.seed),
    };
    const batchSize = intOpt('batch', values.batch), chunkSize = intOpt('chunk', values.chunk);
    const out = values.out ?? defaultOut(resolved.name, layer, { data: data.name, params, batchSize, chunkSize, backend: backend.name });
    const workers = intOpt('workers', values.workers) ?? 1;
    const common = {
      ...params, layer, out, ks, batchSize, chunkSize, modelName: resolved.name,
      maxChunks: intOpt('max-chunks', values['max-chunks']), progress: values.quiet ? null : process.stderr, fold: !values['no-fold'], merge: !values['no-merge'],
    };
    let r;
    if (workers > 1) {
      if (values.shard) throw new Error('extract: use either --shard or --workers, not both');
      if (backend.name !== 'wasm' && backend.name !== 'cpu') throw new Error(`extract: --workers needs the wasm or cpu backend, got '${backend.name}'`);
      r = await extractDatasetParallel(resolved.model, data, { ...common, workers, backend: backend.name });
    } else {
      r = await extractDataset(resolved.model, data, { ...common, shard: values.shard ? parseShard(values.shard) : undefined });
    }
    process.stdout.write(`${r.out}: computed ${r.chunksComputed.length} chunk(s), ${r.chunksSkipped.length} already done; ` +
      `${r.complete ? 'run complete' : 'run incomplete (rerun to continue, or run the other shards)'}` +
      `${r.complete && values['no-merge'] ? `; not merged (--no-merge): filtermine extract merge --out ${r.out}` : ''}\n`);
    if (r.merged) {
      const c = r.merged.counts;
      process.stdout.write(`${c.images} images (${c.outcomes.ok} with patches, ${c.images - c.outcomes.ok} with a defective heatmap), ` +
        `${c.patches} patches (${c.patchesPerImage.toFixed(2)} per image), accuracy ${(100 * c.accuracy).toFixed(2)}%\n` +
        `wrote ${r.merged.files.join(', ')}\n${removedNote(r.merged.removed)}`);
    }
    return 0;
  } finally {
    if (resolved.owned) resolved.model.dispose();
  }
}

/** A line naming the tables of other k values a merge removed, or nothing. */
function removedNote(removed: string[]): string {
  return removed.length ? `removed the tables of other k values: ${removed.join(', ')} (extract merge --k rebuilds them)\n` : '';
}

/** `runs/extract/<model>-<layer>-<8 hex of the options>`: other options, other folder. */
function defaultOut(model: string, layer: string, options: unknown): string {
  const h = crypto.createHash('sha256').update(canonicalJson(options)).digest('hex').slice(0, 8);
  return path.join('runs', 'extract', `${model}-${layer}-${h}`);
}

registerCommand({ name: 'extract', summary: 'explain a data set and write filter transactions (resumable, shardable)', usage, run });
