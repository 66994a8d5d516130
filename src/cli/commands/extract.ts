/**
 * `filtermine extract`: docs/method.md, Pipeline steps 1-3 over a data set (explain -> patches -> occlusion ->
 * filter scores -> transactions), resumable and shardable; `filtermine extract merge` joins shards.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { registerCommand } from '../registry';
import { intOption, numberOption, parseCommandArgs, parseKList, requirePath } from '../options';
import { selectBackend, type BackendName } from '../../backend';
import { loadFashionMnist } from '../../data/fashion-mnist';
import { canonicalJson } from '../../extract/manifest';
import { mergeExtraction } from '../../extract/merge';
import { resolveModel } from '../../extract/model';
import { extractDataset, parseShard } from '../../extract/run';
import { extractDatasetParallel } from '../../extract/parallel';
import { imageFolderSource, imageSetSource, type ExtractDataSource } from '../../extract/source';
import type { PatchParams } from '../../extract/pipeline';
import { softmaxOutputLayer, spatialLayerNames } from '../../graph/split';

const usage = `usage: filtermine extract --model NAME|DIR|FILE.onnx [--images DIR --preset NAME] [options]
       filtermine extract merge --out DIR [--k 5,10,25]

Explains every image (CAM at a layer), extracts faithful patches, scores the layer's filters in
each patch and writes transaction tables (Arrow + CSV per k). Results are written in chunks as
they are computed; rerun the same command to resume after a crash.

options:
  --model NAME|DIR     shipped model (vgg-small, resnet-small, fashion-cnn-onnx), a tfjs model folder/URL,
                       an .onnx file (e.g. from torch.onnx.export) or a folder holding model.onnx (required)
  --layer NAME         analysed layer (default: the model card's analysisLayer); ONNX layers are named
                       after their nodes, without the leading '/' (e.g. layer4/layer4.1/relu_1/Relu)
  --images DIR         an image folder, one sub-folder of JPEG/PNG images per class; images are resized
                       (shorter side) and centre-cropped to the model's input size
  --preset NAME        preprocessing of --images: caffe, torch, tf or unit (default: the model card's)
  --classes FILE       the model's class names in output order, one per line (default: the model card's);
                       class folders are matched to them by name
  --resize N           shorter side before the centre crop (default: the card's, else size*256/224)
  --per-class N        at most N images per class folder
  --data NAME          without --images: fashion-mnist-test (default) or fashion-mnist-train
  --limit N            only the first N images
  --k LIST             k values of the transaction tables (default 5,10,25)
  --out DIR            run folder (default runs/extract/<model>-<layer>-<hash of the options>)
  --shard i/n          process only chunks c with c % n == i (merge when all are done)
  --batch-size N       images per forward pass (default 64; use about 8 for 224x224 models)
  --chunk-size N       images per chunk file (default 500)
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

const intOpt = (name: string, v: string | undefined): number | undefined => intOption('extract', name, v);
const numOpt = (name: string, v: string | undefined): number | undefined => numberOption('extract', name, v);
const parseKs = (text: string | undefined): number[] | undefined => parseKList('extract', text);

const DATA_SETS: Record<string, (limit?: number) => ExtractDataSource> = {
  'fashion-mnist-test': (limit) => imageSetSource(loadFashionMnist('test'), 'fashion-mnist-test', limit),
  'fashion-mnist-train': (limit) => imageSetSource(loadFashionMnist('train'), 'fashion-mnist-train', limit),
};

async function runMerge(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('extract merge', argv, { out: { type: 'string' }, k: { type: 'string' } });
  if (!values.out) throw new Error('extract merge: --out DIR is required');
  const r = mergeExtraction(values.out, { ks: parseKs(values.k) });
  process.stdout.write(`merged ${r.counts.images} images, ${r.counts.patches} patches into ${r.out}: ${r.files.join(', ')}\n${removedNote(r.removed)}`);
  return 0;
}

async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'merge') return runMerge(argv.slice(1));
  const { values } = parseCommandArgs('extract', argv, {
      model: { type: 'string' }, layer: { type: 'string' }, data: { type: 'string' },
      images: { type: 'string' }, preset: { type: 'string' }, classes: { type: 'string' }, resize: { type: 'string' }, 'per-class': { type: 'string' },
      limit: { type: 'string' }, k: { type: 'string' }, out: { type: 'string' }, shard: { type: 'string' },
      'batch-size': { type: 'string' }, 'chunk-size': { type: 'string' }, seed: { type: 'string' }, method: { type: 'string' },
      sampler: { type: 'string' }, window: { type: 'string' }, samples: { type: 'string' }, rounds: { type: 'string' },
      inset: { type: 'string' }, stride: { type: 'string' }, iou: { type: 'string' }, threshold: { type: 'string' },
      'max-chunks': { type: 'string' }, workers: { type: 'string' }, backend: { type: 'string', default: 'auto' }, quiet: { type: 'boolean', default: false }, 'no-fold': { type: 'boolean', default: false },
      'no-merge': { type: 'boolean', default: false },
  }, { batch: 'batch-size', chunk: 'chunk-size' });
  if (!values.model) throw new Error(`extract: --model is required\n\n${usage}`);
  if (values.images && values.data) throw new Error('extract: give either --images DIR or --data NAME, not both');
  for (const o of ['preset', 'classes', 'resize', 'per-class'] as const) if (values[o] !== undefined && !values.images) throw new Error(`extract: --${o} applies to --images DIR only`);
  const dataName = values.data ?? 'fashion-mnist-test';
  const makeData = DATA_SETS[dataName];
  if (!makeData && !values.images) throw new Error(`extract: unknown --data '${values.data}'; known: ${Object.keys(DATA_SETS).join(', ')} (or give --images DIR)`);
  if (values.images) requirePath('extract', '--images', values.images, 'folder', 'a folder with one sub-folder of images per class');
  if (values.classes) requirePath('extract', '--classes', values.classes, 'file', 'a text file with one class name per line');
  const ks = parseKs(values.k);
  // Checked before the backend and the model load: a bad value fails at once and leaves nothing behind.
  const limit = intOpt('limit', values.limit);
  if (limit !== undefined && limit < 1) throw new Error(`extract: --limit must be a positive integer (images to process), got '${values.limit}'`);
  const backend = await selectBackend(values.backend as BackendName);
  const resolved = await resolveModel(values.model);
  try {
    const layer = values.layer ?? resolved.defaultLayer;
    if (!layer) throw new Error(`extract: --layer is required for model '${resolved.name}'; layers with a spatial output: ${spatialLayerNames(resolved.model).join(', ')}`);
    let data: ExtractDataSource;
    if (values.images) {
      const src = imageFolderSource(values.images, resolved.model, resolved.card, {
        classesFile: values.classes, preset: values.preset, resize: intOpt('resize', values.resize), perClass: intOpt('per-class', values['per-class']), limit,
      });
      const mapped = src.dataset.folders.map((f) => `${f.name} -> ${f.label} (${src.dataset.classNames[f.label]})`).join(', ');
      process.stderr.write(`extract: ${src.n} images from ${values.images} (${src.spec.size}x${src.spec.size}, preset ${src.spec.preset}); class folders -> outputs: ${mapped}\n`);
      if (src.rejected.length > 0) {
        process.stderr.write(`extract: skipped ${src.rejected.length} file(s):\n${src.rejected.map((r) => `  ${r.file}: ${r.reason}`).join('\n')}\n`);
      }
      data = src;
    } else {
      data = makeData(limit);
    }
    const patch: PatchParams = {
      windowSize: intOpt('window', values.window), samples: intOpt('samples', values.samples), rounds: intOpt('rounds', values.rounds),
      inset: intOpt('inset', values.inset), stride: intOpt('stride', values.stride), iouThreshold: numOpt('iou', values.iou),
    };
    for (const k of Object.keys(patch) as (keyof PatchParams)[]) if (patch[k] === undefined) delete patch[k];
    const params = {
      method: values.method ?? resolved.defaultMethod, sampler: values.sampler, patch, threshold: numOpt('threshold', values.threshold), seed: intOpt('seed', values.seed),
    };
    const batchSize = intOpt('batch-size', values['batch-size']), chunkSize = intOpt('chunk-size', values['chunk-size']);
    const out = values.out ?? defaultOut(resolved.name, layer, { data: data.name, params, batchSize, chunkSize, backend: backend.name });
    const workers = intOpt('workers', values.workers) ?? 1;
    const common = {
      ...params, layer, out, ks, batchSize, chunkSize, modelName: resolved.name,
      maxChunks: intOpt('max-chunks', values['max-chunks']), progress: values.quiet ? null : process.stderr, fold: !values['no-fold'], merge: !values['no-merge'],
    };
    const softmax = softmaxOutputLayer(resolved.model);
    if (softmax) process.stderr.write(`extract: the model ends in a softmax (layer '${softmax}'); Grad-CAM explains the logits below it (recorded in ${path.join(out, 'manifest.json')})\n`);
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
