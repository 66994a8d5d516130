/**
 * `filtermine train`: trains a small registered model (seeded, repeatable) on Fashion-MNIST, the
 * generated planted-parts set or an image folder, and writes the tfjs layers-model folder plus its
 * model card.
 */
import { parseArgs } from 'node:util';
import { registerCommand } from '../registry';
import { prepareOutDir } from '../errors';
import { selectBackend, describeBackend, type BackendName } from '../../backend';
import { loadFashionMnist } from '../../data/fashion-mnist';
import type { ImageSet } from '../../data/image-set';
import { loadImageFolderSet } from '../../data/image-folder';
import { generatePlantedParts } from '../../groundtruth/generator';
import { listArchitectures, getArchitecture, trainModel, makeModelCard, writeModelWithCard, loadModel } from '../../models';
import { listCamMethods } from '../../cam';

const usage = `usage: filtermine train --model NAME --out DIR [options]

Trains a small model and writes DIR/model.json, weight shards and DIR/card.json (test accuracy,
training settings, data checksum).

  --model NAME       architecture: ${listArchitectures().join(', ')}
  --out DIR          output folder (created)
  --data SOURCE      fashion-mnist (default; 60,000 train / 10,000 test images),
                     planted-parts (generated in memory, see --data-seed and --per-class),
                     or an image folder root/<class>/<file> (then --test-data is required)
  --test-data DIR    image folder to evaluate on (with --data FOLDER)
  --data-seed S      planted-parts: generator seed (default 1)
  --per-class N      planted-parts: training images per class (default 600; test: a quarter, at least 50)
  --epochs N         passes over the training data (default 5)
  --seed S           seed of init, shuffling and augmentation (default 0)
  --batch-size N     images per step (default 64)
  --lr X             Adam learning rate, cosine-decayed (default 0.001)
  --limit N          fashion-mnist: train on the first N training images only (default all)
  --test-limit N     fashion-mnist: evaluate on the first N test images only (default all)
  --no-augment       no random shifts/flips
  --init-from DIR    start from this trained model's weights (layers with the same name and
                     shapes, e.g. the convolutions when only the head changes); the card records it
  --cam-method NAME  the CAM method the card recommends (default: none recorded, i.e. gradcam)
  --backend NAME     auto | native | wasm | cpu | tensorflow (default auto)
`;

registerCommand({
  name: 'train',
  summary: 'train a small VGG- or ResNet-style model on Fashion-MNIST, write model + card',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' }, out: { type: 'string' }, epochs: { type: 'string' },
        seed: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
        limit: { type: 'string' }, 'test-limit': { type: 'string' }, 'no-augment': { type: 'boolean' },
        backend: { type: 'string' }, data: { type: 'string' }, 'test-data': { type: 'string' },
        'data-seed': { type: 'string' }, 'per-class': { type: 'string' }, 'init-from': { type: 'string' }, 'cam-method': { type: 'string' },
      },
      strict: true,
    });
    if (!values.model || !values.out) {
      process.stderr.write(`train: --model and --out are required\n\n${usage}`);
      return 2;
    }
    const num = (name: string, v: string | undefined): number | undefined => {
      if (v === undefined) return undefined;
      const x = Number(v);
      if (!Number.isFinite(x)) throw new Error(`train: --${name} must be a number, got '${v}'`);
      return x;
    };
    const camMethod = values['cam-method'];
    if (camMethod !== undefined && !listCamMethods().includes(camMethod)) {
      throw new Error(`train: --cam-method must be one of ${listCamMethods().join(', ')}, got '${camMethod}'`);
    }
    prepareOutDir(values.out, 'train: --out'); // before the hours of training, not after
    const info = await selectBackend((values.backend ?? 'auto') as BackendName);
    process.stderr.write(`backend: ${describeBackend(info)}\n`);
    const data = values.data ?? 'fashion-mnist';
    const [side] = getArchitecture(values.model).inputShape;
    let train: ImageSet, test: ImageSet, description: string;
    if (data === 'fashion-mnist') {
      train = loadFashionMnist('train', { limit: num('limit', values.limit) });
      test = loadFashionMnist('test', { limit: num('test-limit', values['test-limit']) });
      description = 'Fashion-MNIST';
    } else if (data === 'planted-parts') {
      const seed = num('data-seed', values['data-seed']) ?? 1;
      const perClass = num('per-class', values['per-class']) ?? 600;
      const testPerClass = Math.max(50, Math.round(perClass / 4));
      const gen = (split: 'train' | 'test', n: number) => generatePlantedParts({ seed, perClass: n, size: side, split });
      const g = gen('train', perClass);
      train = g.set;
      test = gen('test', testPerClass).set;
      description = `${g.truth.source}; test split ${testPerClass} per class`;
    } else {
      if (!values['test-data']) throw new Error(`train: --data ${data} is an image folder, so --test-data FOLDER is required`);
      train = await loadImageFolderSet(data, { size: side, resize: side });
      test = await loadImageFolderSet(values['test-data'], { size: side, resize: side, classNames: train.classNames });
      description = `image folders ${data} (train), ${values['test-data']} (test)`;
    }
    process.stderr.write(`data: ${description}: ${train.n} training, ${test.n} test images\n`);
    const initFrom = values['init-from'] ? await loadModel(values['init-from']) : null;
    const result = await trainModel(train, {
      ...(initFrom ? { initFrom } : {}),
      architecture: values.model,
      epochs: num('epochs', values.epochs),
      seed: num('seed', values.seed),
      batchSize: num('batch-size', values['batch-size']),
      learningRate: num('lr', values.lr),
      ...(values['no-augment'] ? { augment: false as const } : {}),
    });
    initFrom?.dispose();
    const card = { ...await makeModelCard({ result, train, test, ...(values['init-from'] ? { initializedFrom: values['init-from'] } : {}) }), data: description };
    if (camMethod !== undefined) card.camMethod = camMethod;
    await writeModelWithCard(result.model, card, values.out);
    result.model.dispose();
    process.stderr.write(`test accuracy ${(card.testAccuracy.overall * 100).toFixed(2)}% on ${card.testAccuracy.n} images; wrote ${values.out}\n`);
    return 0;
  },
});
