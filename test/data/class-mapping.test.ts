import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { matchFolderClasses, normaliseClassName, readClassNames, readImageFolderDataset } from '../../src/data/image-folder';
import { applyPresetToPixels, displayPixels, listPresets, unapplyPresetToPixels } from '../../src/data/presets';
import { softmaxOutputLayer } from '../../src/graph/split';
import { encodePng } from '../../src/widgets/raster';

describe('class folders matched to model outputs', () => {
  const model = ['T-shirt/top', 'Trouser', 'Pullover', 'Ankle boot'];

  it('matches by normalised name, in any folder order', () => {
    assert.equal(normaliseClassName(' T-shirt/top '), 't-shirt-top');
    assert.deepEqual(matchFolderClasses(['ankle_boot', 'T-shirt-top', 'trouser'], model), [3, 0, 1]);
  });

  it('a folder matching no class is an error listing both sides', () => {
    assert.throws(() => matchFolderClasses(['Trouser', 'banana', 'kiwi'], model), (e: Error) => {
      assert.match(e.message, /class folder\(s\) 'banana', 'kiwi' match no class of the model/);
      assert.match(e.message, /folders: Trouser, banana, kiwi/);
      assert.match(e.message, /model classes \(output order\): T-shirt\/top, Trouser, Pullover, Ankle boot/);
      return true;
    });
  });

  it('model classes that normalise to the same name are refused', () => {
    assert.throws(() => matchFolderClasses(['a'], ['Ankle boot', 'ankle-boot']), /'Ankle boot' and 'ankle-boot' cannot be told apart/);
  });

  it('classes files: lines or a JSON array; empty, duplicate and folder paths are errors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-classes-'));
    try {
      const f = path.join(dir, 'c.txt');
      fs.writeFileSync(f, '# output order\ncat\n\ndog\r\n');
      assert.deepEqual(readClassNames(f), ['cat', 'dog']);
      fs.writeFileSync(f, '["a", "b"]');
      assert.deepEqual(readClassNames(f), ['a', 'b']);
      fs.writeFileSync(f, 'a\na\n');
      assert.throws(() => readClassNames(f), /names class 'a' twice/);
      fs.writeFileSync(f, '\n# nothing\n');
      assert.throws(() => readClassNames(f), /holds no class names/);
      assert.throws(() => readClassNames(dir), /is a folder; expected a text file/);
      assert.throws(() => readClassNames(path.join(dir, 'none')), /cannot read classes file .*: no such file/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the data fingerprint follows the file contents, not the file names alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-fp-'));
    try {
      const write = (v: number) => {
        fs.mkdirSync(path.join(dir, 'Trouser'), { recursive: true });
        const data = new Uint8Array(8 * 8 * 4).fill(v);
        fs.writeFileSync(path.join(dir, 'Trouser', 'a.png'), encodePng({ data, width: 8, height: 8 }));
      };
      write(100);
      const a = readImageFolderDataset(dir, { classNames: model, size: 8, resize: 8, preset: 'unit' });
      write(101);
      const b = readImageFolderDataset(dir, { classNames: model, size: 8, resize: 8, preset: 'unit' });
      const c = readImageFolderDataset(dir, { classNames: model, size: 8, resize: 8, preset: 'torch' });
      assert.match(a.checksum, /^[0-9a-f]{64}$/);
      assert.notEqual(a.checksum, b.checksum, 'same names, other pixels: the fingerprint must change');
      assert.notEqual(b.checksum, c.checksum, 'another preset gives other network input');
      assert.deepEqual(Array.from(b.labels), [1]);
      assert.ok(Math.abs(b.displayPixels(0, 1)[0] - 101 / 255) < 1e-6);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('unpreprocessing (display pixels)', () => {
  it('inverts every preset exactly, channel order included', () => {
    const rgb = Float32Array.from({ length: 30 }, (_, i) => (i * 37) % 256);
    for (const p of listPresets()) {
      const back = unapplyPresetToPixels(applyPresetToPixels(rgb, p), p);
      rgb.forEach((v, i) => assert.ok(Math.abs(back[i] - v) < 1e-3, `${p.name}[${i}]: ${back[i]} vs ${v}`));
    }
    // caffe: BGR minus the mean. A pure red pixel comes back red, not blue.
    const red = displayPixels(applyPresetToPixels([255, 0, 0], 'caffe'), 'caffe');
    assert.deepEqual(Array.from(red, (v) => Math.round(v * 1e6) / 1e6), [1, 0, 0]);
  });

  it('clamping the preprocessed tensor (what mosaics did) would show other colours for caffe', () => {
    const px = applyPresetToPixels([200, 120, 40], 'caffe');
    const clamped = Array.from(px, (v) => Math.min(1, Math.max(0, v)));
    const shown = Array.from(displayPixels(px, 'caffe'));
    assert.ok(Math.abs(shown[0] - 200 / 255) < 1e-6 && Math.abs(shown[2] - 40 / 255) < 1e-6);
    assert.notDeepEqual(clamped.map((v) => v.toFixed(3)), shown.map((v) => v.toFixed(3)));
  });
});

describe('softmax output detection', () => {
  it('names a softmax Dense, Softmax or Activation output layer, and null for logits', () => {
    const build = (tail: (x: tf.SymbolicTensor) => tf.SymbolicTensor) => {
      const input = tf.input({ shape: [4] });
      return tf.model({ inputs: input, outputs: tail(input) });
    };
    const dense = build((x) => tf.layers.dense({ units: 3, activation: 'softmax', name: 'pred' }).apply(x) as tf.SymbolicTensor);
    const layer = build((x) => tf.layers.softmax({ name: 'sm' }).apply(tf.layers.dense({ units: 3 }).apply(x)) as tf.SymbolicTensor);
    const act = build((x) => tf.layers.activation({ activation: 'softmax', name: 'act' }).apply(tf.layers.dense({ units: 3 }).apply(x)) as tf.SymbolicTensor);
    const logits = build((x) => tf.layers.dense({ units: 3, name: 'z' }).apply(x) as tf.SymbolicTensor);
    try {
      assert.equal(softmaxOutputLayer(dense), 'pred');
      assert.equal(softmaxOutputLayer(layer), 'sm');
      assert.equal(softmaxOutputLayer(act), 'act');
      assert.equal(softmaxOutputLayer(logits), null);
    } finally {
      for (const m of [dense, layer, act, logits]) m.dispose();
    }
  });
});
