/**
 * The benchmark end to end on data and a model the project did not make: a short script below
 * writes a folder in the ground-truth format (pure-colour squares on grey noise, its own classes and
 * parts), and a tiny network whose filters are hand-set detectors of those colours classifies it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import '../../src/cli/commands/groundtruth';
import { getCommand } from '../../src/cli/registry';
import { saveModel } from '../../src/models/io';
import { rng } from '../../src/util/rng';
import {
  classFilterScores, finiteMean, partIndex, readGroundTruthFolder, runGroundTruthBenchmark, sharingAgreement,
} from '../../src/groundtruth';
import { loadNotebookModel } from '../../src/notebook/pipeline';
import { randomRanking, topFilters } from '../../src/baselines';

const SIZE = 32;
const COLOURS: Record<string, [number, number, number]> = {
  red: [1, 0, 0], green: [0, 1, 0], yellow: [1, 1, 0], blue: [0, 0, 1], cyan: [0, 1, 1], magenta: [1, 0, 1],
};
const PARTS = [
  { name: 'red', classes: ['north'] }, { name: 'green', classes: ['south'] }, { name: 'yellow', classes: ['west'] },
  { name: 'blue', classes: ['north', 'south'] }, { name: 'cyan', classes: ['south', 'west'] }, { name: 'magenta', classes: [] },
];
const CLASSES = ['north', 'south', 'west'];
const CONSTANT_FILTERS = 10;

/** Writes `perClass` images per class as PNGs plus `parts.json`, with a seeded script of its own. */
function writeForeignFolder(dir: string, perClass: number): string {
  const r = rng(7);
  const images: unknown[] = [];
  for (const cls of CLASSES) {
    fs.mkdirSync(path.join(dir, cls), { recursive: true });
    for (let j = 0; j < perClass; j++) {
      const png = new PNG({ width: SIZE, height: SIZE });
      for (let p = 0; p < SIZE * SIZE; p++) {
        const g = 90 + Math.floor(r.next() * 60);
        png.data[p * 4] = g; png.data[p * 4 + 1] = g; png.data[p * 4 + 2] = g; png.data[p * 4 + 3] = 255;
      }
      const names = PARTS.filter((p) => p.classes.includes(cls) || (p.classes.length === 0 && r.next() < 0.5)).map((p) => p.name);
      const parts = names.map((name, k) => {
        // One square per slot of a 3x3 grid of 10-pixel cells, so parts never touch.
        const slot = (k * 4 + j) % 9, s = 6 + Math.floor(r.next() * 3);
        const x = (slot % 3) * 10 + 1 + Math.floor(r.next() * (9 - s)), y = Math.floor(slot / 3) * 10 + 1 + Math.floor(r.next() * (9 - s));
        for (let yy = y; yy < y + s; yy++) for (let xx = x; xx < x + s; xx++) for (let c = 0; c < 3; c++) png.data[(yy * SIZE + xx) * 4 + c] = COLOURS[name][c] * 255;
        return { part: name, box: { x, y, width: s, height: s } };
      });
      const file = `${cls}/img${j}.png`;
      fs.writeFileSync(path.join(dir, file), PNG.sync.write(png));
      images.push({ file, width: SIZE, height: SIZE, parts });
    }
  }
  const truthFile = path.join(dir, 'parts.json');
  fs.writeFileSync(truthFile, JSON.stringify({ format: 'filtermine-ground-truth', version: 1, source: 'test script', parts: PARTS, images }));
  return truthFile;
}

/**
 * A tiny hand-weighted network: a 1x1 convolution `detect` whose first six filters fire (0.5) only
 * on their part's exact colour (weights +1 on the colour's channels, -1 elsewhere, bias 0.5 - |colour|),
 * then ten filters that are constant (bias only, never selective); global average pooling; logits
 * = +1 for the class's own parts and -1 for the other classes' parts, scaled.
 */
function detectorNet(): tf.LayersModel {
  const F = PARTS.length + CONSTANT_FILTERS;
  const input = tf.input({ shape: [SIZE, SIZE, 3] });
  const detect = tf.layers.conv2d({ filters: F, kernelSize: 1, activation: 'relu', name: 'detect' });
  const pooled = tf.layers.globalAveragePooling2d({}).apply(detect.apply(input)) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: CLASSES.length, name: 'logits' });
  const model = tf.model({ inputs: input, outputs: dense.apply(pooled) as tf.SymbolicTensor, name: 'detector-net' });
  const kernel = new Float32Array(3 * F), bias = new Float32Array(F);
  PARTS.forEach((p, f) => {
    const col = COLOURS[p.name];
    for (let c = 0; c < 3; c++) kernel[c * F + f] = col[c] ? 1 : -1;
    bias[f] = 0.5 - col.reduce((a, b) => a + b, 0);
  });
  for (let f = PARTS.length; f < F; f++) bias[f] = 0.01 * (f - PARTS.length + 1);
  detect.setWeights([tf.tensor4d(kernel, [1, 1, 3, F]), tf.tensor1d(bias)]);
  const dk = new Float32Array(F * CLASSES.length);
  PARTS.forEach((p, f) => {
    if (p.classes.length === 0) return;
    CLASSES.forEach((c, k) => { dk[f * CLASSES.length + k] = p.classes.includes(c) ? 400 : -400; });
  });
  dense.setWeights([tf.tensor2d(dk, [F, CLASSES.length]), tf.zeros([CLASSES.length])]);
  return model;
}

describe('groundtruth/benchmark (a folder and a model the project did not make)', function () {
  this.timeout(300000);
  let dir = '', truthFile = '', modelDir = '';
  before(async () => {
    await tf.setBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-gt-foreign-'));
    truthFile = writeForeignFolder(path.join(dir, 'data'), 12);
    modelDir = path.join(dir, 'model');
    const m = detectorNet();
    await saveModel(m, modelDir);
    m.dispose();
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('the planted-part detectors of a hand-weighted network score 1.0; random sets of the same sizes score low', async () => {
    const m = await loadNotebookModel(modelDir, { layer: 'detect' });
    try {
      const data = await readGroundTruthFolder(path.join(dir, 'data'), { size: SIZE, truthFile });
      assert.deepEqual(data.set.classNames, ['north', 'south', 'west']);
      const index = partIndex(data.parts, data.set.classNames);
      // Per class, exactly the detectors of its parts (filter f detects part f).
      const detectors = index.classParts.map((ps) => [...ps]);
      const before = tf.memory().numTensors;
      const r = await runGroundTruthBenchmark(m, data, {
        methods: ['gradcam'], k: 2, draws: 5, extraSets: { detectors }, cacheRoot: path.join(dir, 'cache'),
      });
      assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
      assert.equal(r.accuracy, 1);
      // Each detector is selective for its own part; the constant filters for none.
      r.filterParts.forEach((f) => assert.equal(f.part, f.filter < PARTS.length ? PARTS[f.filter].name : null, `filter ${f.filter}`));
      const row = r.sources.find((s) => s.source === 'detectors')!;
      assert.deepEqual([row.precision, row.recall, row.agreement], [1, 1, 1]);
      // Removing north's red or west's yellow ties the class with another one, so those parts are
      // used; south has three parts, and any two of them still decide it, so it uses none alone.
      assert.ok(r.usedParts[0].includes('red'), `north uses ${r.usedParts[0]}`);
      assert.ok(r.usedParts[2].includes('yellow'), `west uses ${r.usedParts[2]}`);
      assert.deepEqual(r.usedParts[1], []);
      // Random sets of the detectors' sizes, many draws: low precision, recall and agreement.
      const partOf = Int32Array.from(r.filterParts, (f) => (f.part === null ? -1 : index.id.get(f.part)!));
      const draws = Array.from({ length: 50 }, (_, d) => topFilters(randomRanking(partOf.length, CLASSES.length, d), detectors.map((s) => s.length)));
      const precision = finiteMean(draws.map((s) => finiteMean(classFilterScores(s, partOf, index.classParts).map((x) => x.precision))));
      const recall = finiteMean(draws.map((s) => finiteMean(classFilterScores(s, partOf, index.classParts).map((x) => x.recall))));
      assert.ok(precision < 0.35, `random precision ${precision}`);
      assert.ok(recall < 0.35, `random recall ${recall}`);
      assert.ok(finiteMean(draws.map((s) => sharingAgreement(s, partOf, index).agreement)) < 0.9);
      // The benchmark's own random baseline (matched to the mined sets) is the same kind of draw.
      const rnd = r.sources.find((s) => s.source === 'random')!;
      assert.ok(!(rnd.precision > 0.5), `benchmark random precision ${rnd.precision}`);
      // Explanations of this model point at its parts far above chance.
      const e = r.explanation[0];
      assert.ok(e.images > 0 && e.pointing > e.chance + 0.3, `pointing ${e.pointing} vs chance ${e.chance}`);
      // Bad options are refused before any model run, naming the value.
      await assert.rejects(runGroundTruthBenchmark(m, data, { methods: ['nope'] }), /nope/);
      await assert.rejects(runGroundTruthBenchmark(m, data, { k: 0 }), /k must be an integer in \[1, 16\], got 0/);
    } finally {
      m.dispose();
    }
  });

  it('runs through the same command, printing and writing the measures', async () => {
    const out = path.join(dir, 'out');
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => { lines.push(String(s)); return true; };
    let code: number;
    try {
      process.env.FILTERMINE_CACHE = path.join(dir, 'cache');
      code = await getCommand('groundtruth')!.run(['--data', path.join(dir, 'data'), '--truth', truthFile, '--model', modelDir, '--layer', 'detect',
        '--methods', 'gradcam', '--k', '2', '--draws', '3', '--backend', 'cpu', '--out', out]);
    } finally {
      (process.stdout as unknown as { write: typeof write }).write = write;
      delete process.env.FILTERMINE_CACHE;
    }
    assert.equal(code, 0);
    const text = lines.join('');
    assert.match(text, /accuracy 100\.0% on 36 images \(18 mining, 18 held out\)/);
    assert.match(text, /\| mined gradcam k=2 \|/);
    for (const s of ['mean activation', 'grad-cam weight', 'vebi', 'random']) assert.match(text, new RegExp(`\\| ${s} \\|`));
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    assert.deepEqual(report.classNames, CLASSES);
    assert.ok(fs.existsSync(path.join(out, 'sources.csv')));
    await assert.rejects(() => getCommand('groundtruth')!.run(['--data', path.join(dir, 'data'), '--model', modelDir, '--layer', 'detect', '--backend', 'cpu']),
      /cannot read ground-truth file .*truth\.json/);
  });
});
