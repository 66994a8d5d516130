/**
 * `filtermine groundtruth`: the planted-parts benchmark. `generate` writes the generated data set
 * as a folder in the ground-truth format; the default form runs every measure of a model on such a
 * folder (the method and the baselines) and prints and writes the tables.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { registerCommand } from '../registry';
import { intOption } from '../options';
import { selectBackend, describeBackend, type BackendName } from '../../backend';
import { loadNotebookModel } from '../../notebook/pipeline';
import { generatePlantedParts } from '../../groundtruth/generator';
import { readGroundTruthFolder, writeGroundTruthFolder, GROUND_TRUTH_FILE } from '../../groundtruth/io';
import { runGroundTruthBenchmark } from '../../groundtruth/benchmark';
import { formatBenchmark, writeBenchmarkReport } from '../../groundtruth/report';

const usage = `usage: filtermine groundtruth --data FOLDER --model MODEL [options]
       filtermine groundtruth generate --out FOLDER [--seed S] [--per-class N] [--split train|test]

Measures how far the method's filters match known parts, on a folder in the ground-truth format
(FOLDER/<class>/<image> plus a JSON file of the parts and their boxes; see docs/ground-truth.md):
pointing game and kept-patch share per CAM method, filter-to-part selectivity, per-class
precision and recall of the mined filters and of the baselines (mean activation, Grad-CAM weight,
VEBI, random), specific/shared agreement, and the model's own part importance. Prints the tables
and writes them (CSV, JSON) to --out.

  --data FOLDER       the image folder
  --truth FILE        the ground-truth JSON (default FOLDER/${GROUND_TRUTH_FILE})
  --model MODEL       a shipped model name (vgg-parts, resnet-parts) or a model folder
  --layer NAME        analysed layer (default: the model card's)
  --methods A,B       CAM methods (default: the model's and gradcam++)
  --k N               top-k filters per patch (default 5)
  --per-class N       use at most N images per class (default all)
  --draws N           random baseline draws (default 20)
  --seed S            seed of the patch windows and the random baseline (default 0)
  --out DIR           output folder (default groundtruth-<model>)
  --backend NAME      auto | native | wasm | cpu | tensorflow (default auto)

generate: writes the built-in planted-parts set (seed S, N images per class, 64x64 RGB).
`;

const intFlag = (name: string, v: string | undefined): number | undefined => intOption('groundtruth', name, v);

registerCommand({
  name: 'groundtruth',
  summary: 'planted-parts benchmark: does the method find the parts a model uses? (and: generate the data set)',
  usage,
  async run(argv) {
    if (argv[0] === 'generate') {
      const { values } = parseArgs({ args: argv.slice(1), options: { out: { type: 'string' }, seed: { type: 'string' }, 'per-class': { type: 'string' }, split: { type: 'string' } }, strict: true });
      if (!values.out) { process.stderr.write(`groundtruth generate: --out is required\n\n${usage}`); return 2; }
      const split = (values.split ?? 'test') as 'train' | 'test';
      const g = generatePlantedParts({ seed: intFlag('seed', values.seed) ?? 1, perClass: intFlag('per-class', values['per-class']) ?? 100, split });
      writeGroundTruthFolder(values.out, g.set, g.truth);
      process.stderr.write(`wrote ${g.set.n} images and ${path.join(values.out, GROUND_TRUTH_FILE)} (${g.truth.source})\n`);
      return 0;
    }
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' }, truth: { type: 'string' }, model: { type: 'string' }, layer: { type: 'string' },
        methods: { type: 'string' }, k: { type: 'string' }, 'per-class': { type: 'string' }, draws: { type: 'string' },
        seed: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' },
      },
      strict: true,
    });
    if (!values.data || !values.model) { process.stderr.write(`groundtruth: --data and --model are required\n\n${usage}`); return 2; }
    const k = intFlag('k', values.k), perClass = intFlag('per-class', values['per-class']);
    const draws = intFlag('draws', values.draws), seed = intFlag('seed', values.seed);
    const info = await selectBackend((values.backend ?? 'auto') as BackendName);
    process.stderr.write(`backend: ${describeBackend(info)}\n`);
    const m = await loadNotebookModel(values.model, values.layer ? { layer: values.layer } : {});
    try {
      const data = await readGroundTruthFolder(values.data, {
        size: m.inputShape[0], ...(values.truth ? { truthFile: values.truth } : {}), ...(perClass !== undefined ? { perClass } : {}),
        ...(m.card?.classNames ? { classNames: m.card.classNames } : {}),
      });
      const result = await runGroundTruthBenchmark(m, data, {
        ...(values.methods ? { methods: values.methods.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
        ...(k !== undefined ? { k } : {}), ...(draws !== undefined ? { draws } : {}), ...(seed !== undefined ? { seed } : {}),
        onProgress: (msg) => process.stderr.write(`${msg}\n`),
      });
      const out = values.out ?? `groundtruth-${m.name}`;
      await writeBenchmarkReport(out, result);
      process.stdout.write(formatBenchmark(result) + '\n');
      process.stderr.write(`wrote ${out}/report.json and its tables (${result.seconds.toFixed(0)} s)\n`);
    } finally {
      m.dispose();
    }
    return 0;
  },
});
