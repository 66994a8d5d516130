import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { explain } from '../../src/cam/explain';
import { splitModel } from '../../src/graph/split';
import { decodeOnnx, encodeOnnx, loadOnnxModel, onnxLayerName, onnxToLayersModel } from '../../src/models/onnx';
import { blockDiagonal, ceilModeSize } from '../../src/models/onnx/convert';
import { packageRoot } from '../../src/util/package-root';

/** Pearson correlation. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  assert.ok(a.length > 1);
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
  ma /= a.length; mb /= b.length;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) { const x = a[i] - ma, y = b[i] - mb; sab += x * y; saa += x * x; sbb += y * y; }
  return sab / Math.sqrt(saa * sbb);
}

/** NCHW float values -> NHWC tensor. */
function nhwc(values: number[], n: number, c: number, h: number, w: number): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.tensor4d(values, [n, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D);
}

/** A Python interpreter with Debian's torch and torchvision, or the reason there is none. */
function torchPython(): { python?: string; reason?: string } {
  const tried: string[] = [];
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import torch, torchvision, onnx'], { encoding: 'utf8' });
    if (r.status === 0) return { python };
    tried.push(`${python}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`);
  }
  return { reason: `no Python with torch, torchvision and onnx (install python3-torch python3-torchvision python3-onnx): ${tried.join('; ')}` };
}

interface Reference {
  name: string; size: number; inputs: number[]; output: number[]; logits: number[]; classes: number;
  target: number[]; cam: number[]; camShape: [number, number];
}

/** The filtermine layer at which each reference computed Grad-CAM (the ONNX node of the torch module). */
const CAM_LAYERS: Record<string, string> = {
  handmade: onnxLayerName('/branch_b/Conv'),
  resnet18: onnxLayerName('/layer3/layer3.1/relu_1/Relu'),
  vgg16: onnxLayerName('/features/features.22/Relu'),
  squeezenet: onnxLayerName('/features/features.12/Concat'),
  grouped: onnxLayerName('/g4/Conv'),
  gated: onnxLayerName('/se/Mul'),
  gated_opset17: onnxLayerName('/se/Mul'),
  convnext_opset17: onnxLayerName('/stage1/stage1.1/Add'),
};

describe('ONNX models exported by PyTorch', function () {
  this.timeout(900_000); // generous: the machine running the suite may be shared
  let dir = '';
  let refs: Record<string, Reference> = {};

  before(function () {
    const { python, reason } = torchPython();
    if (!python) {
      if (process.env.CI === 'true') throw new Error(`CI=true but the PyTorch comparison cannot run: ${reason}`);
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-onnx-'));
    const script = path.join(packageRoot(), 'test', 'onnx', 'torch_reference.py');
    const r = spawnSync(python!, [script, dir, '--images', '2'], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`${script} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
    for (const name of Object.keys(CAM_LAYERS)) refs[name] = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    refs = {};
  });

  for (const name of Object.keys(CAM_LAYERS)) {
    it(`${name}: output, logits and Grad-CAM at ${CAM_LAYERS[name]} match PyTorch (float64)`, async () => {
      const ref = refs[name];
      const before = tf.memory().numTensors;
      const model = await loadOnnxModel(path.join(dir, `${name}.onnx`));
      const n = ref.target.length;
      assert.ok(n >= 2);
      const x = nhwc(ref.inputs, n, 3, ref.size, ref.size);
      try {
        // The model output (probabilities for the softmax network) against PyTorch's.
        const out = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
        const scale = Math.max(...ref.output.map(Math.abs));
        assert.ok(scale > 0);
        for (let i = 0; i < out.length; i++) {
          assert.ok(Math.abs(out[i] - ref.output[i]) <= 1e-4 * scale, `${name} output[${i}]: ${out[i]} vs PyTorch ${ref.output[i]}`);
        }
        // Grad-CAM through the split at an inner layer, explaining the pre-softmax logits.
        const r = await explain({ model, layer: CAM_LAYERS[name] }, x, { outputSize: 'layer', normalise: 'none', batchSize: n });
        assert.deepEqual(r.layerShape.slice(0, 2), ref.camShape);
        const logitScale = Math.max(...ref.logits.map(Math.abs));
        r.explanations.forEach((e, i) => {
          assert.equal(e.targetClass, ref.target[i], `${name} image ${i}: explained class`);
          for (let k = 0; k < ref.classes; k++) {
            const want = ref.logits[i * ref.classes + k];
            assert.ok(Math.abs(e.logits[k] - want) <= 1e-4 * logitScale, `${name} image ${i} logit ${k}: ${e.logits[k]} vs PyTorch ${want}`);
          }
          const px = ref.camShape[0] * ref.camShape[1];
          const want = ref.cam.slice(i * px, (i + 1) * px);
          assert.ok(Math.max(...want) > 0, `${name} image ${i}: the reference map is all zero, the comparison would prove nothing`);
          const c = correlation(e.layerMap, want);
          assert.ok(c >= 0.999, `${name} image ${i}: Grad-CAM correlation with PyTorch ${c.toFixed(6)} < 0.999`);
        });
      } finally {
        x.dispose();
        model.dispose();
      }
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    });
  }
});

// ---- small ONNX files written here -------------------------------------------------------------

const FLOAT = 1;


function tensorProto(name: string, dims: number[], values: number[]) {
  return { name, dims, dataType: FLOAT, floatData: values };
}
function valueInfo(name: string, dims: (number | string)[]) {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}
type Attr = { name: string; type: number; i?: number; ints?: number[]; s?: Uint8Array; f?: number };
const ints = (name: string, v: number[]): Attr => ({ name, type: 7, ints: v });
const int = (name: string, v: number): Attr => ({ name, type: 2, i: v });
const str = (name: string, v: string): Attr => ({ name, type: 3, s: new TextEncoder().encode(v) });

function onnxBytes(nodes: unknown[], initializer: unknown[], input: unknown, output: unknown): Uint8Array {
  return encodeOnnx({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], producerName: 'filtermine-test', graph: { name: 'g', node: nodes, initializer, input: [input], output: [output] } });
}

/** Seeded values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 31 - 1; });
}

describe('ONNX conversion of small hand-written files', () => {
  const W = values(4 * 2 * 3 * 3, 1);
  const B = values(4, 2);
  const X = values(1 * 5 * 6 * 2, 3); // NHWC [1, 5, 6, 2]

  /** Conv(2 -> 4, 3x3) with the given pads, then Flatten and a Gemm to 3 outputs. */
  function convFile(convAttrs: Attr[], op = 'Conv'): Uint8Array {
    return onnxBytes([
      { name: 'conv', opType: op, input: ['x', 'w', 'b'], output: ['c'], attribute: convAttrs },
      { name: 'flat', opType: 'Flatten', input: ['c'], output: ['f'], attribute: [int('axis', 1)] },
      { name: 'fc', opType: 'Gemm', input: ['f', 'fw', 'fb'], output: ['y'], attribute: [int('transB', 1)] },
    ], [tensorProto('w', [4, 2, 3, 3], W), tensorProto('b', [4], B), tensorProto('fw', [3, 36], values(3 * 36, 4)), tensorProto('fb', [3], [0.1, 0.2, 0.3])],
    valueInfo('x', ['n', 2, 5, 6]), valueInfo('y', ['n', 3]));
  }

  it('asymmetric and strided Conv padding: same activations as an explicit pad + valid convolution, in NCHW flatten order', () => {
    const pads = [0, 1, 2, 0]; // top, left, bottom, right
    const model = onnxToLayersModel(decodeOnnx(convFile([ints('kernel_shape', [3, 3]), ints('pads', pads), ints('strides', [2, 2])])));
    try {
      assert.equal(model.getLayer('conv/pad').getClassName(), 'ZeroPadding2D');
      const got = tf.tidy(() => (model.predict(tf.tensor4d(X, [1, 5, 6, 2])) as tf.Tensor).dataSync());
      // Reference: pad, then convolve by loops in NCHW, flatten NCHW, dense.
      const x = (h: number, w: number, c: number) => (h < 0 || w < 0 || h >= 5 || w >= 6 ? 0 : X[(h * 6 + w) * 2 + c]);
      const Hp = 5 + pads[0] + pads[2], Wp = 6 + pads[1] + pads[3];
      const oh = Math.floor((Hp - 3) / 2) + 1, ow = Math.floor((Wp - 3) / 2) + 1;
      assert.equal(4 * oh * ow, 36);
      const conv: number[] = [];
      for (let o = 0; o < 4; o++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
        let s = B[o];
        for (let c = 0; c < 2; c++) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += W[((o * 2 + c) * 3 + a) * 3 + b] * x(i * 2 + a - pads[0], j * 2 + b - pads[1], c);
        conv.push(s);
      }
      const fw = values(3 * 36, 4), fb = [0.1, 0.2, 0.3];
      const want = fb.map((v, k) => v + conv.reduce((acc, cv, f) => acc + cv * fw[k * 36 + f], 0));
      want.forEach((v, k) => assert.ok(Math.abs(got[k] - v) < 1e-4, `output ${k}: ${got[k]} vs ${v}`));
    } finally {
      model.dispose();
    }
  });

  it('an unsupported op is an error naming the node and the op, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const bytes = onnxBytes([{ name: 'weird', opType: 'LeakyRelu', input: ['x'], output: ['y'] }], [], valueInfo('x', [1, 2, 4, 4]), valueInfo('y', [1, 2, 4, 4]));
    assert.throws(() => onnxToLayersModel(decodeOnnx(bytes, 'f.onnx')), /f\.onnx: node 'weird' \(op LeakyRelu\): op 'LeakyRelu' is not supported; supported ops: .*Conv/);
    const conv = convFile([ints('kernel_shape', [3, 3]), str('auto_pad', 'SAME_UPPER')]);
    assert.throws(() => onnxToLayersModel(decodeOnnx(conv)), /node 'conv' \(op Conv\): attribute 'auto_pad' = 'SAME_UPPER' is not supported/);
    assert.throws(() => onnxToLayersModel(decodeOnnx(convFile([ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), int('group', 2)]))), /node 'conv' \(op Conv\): weight \[4, 2, 3, 3\] with group 2 expects 4 input channels, got 2/);
    assert.throws(() => onnxToLayersModel(decodeOnnx(convFile([ints('kernel_shape', [3, 3]), int('frobnicate', 1)]))), /node 'conv' \(op Conv\): attribute 'frobnicate' is not supported/);
    assert.equal(tf.memory().numTensors, before, 'tensors leaked on the error path');
  });

  it('a padded MaxPool on a possibly negative input is refused (ONNX pads it with -inf)', () => {
    const bytes = onnxBytes([
      { name: 'pool', opType: 'MaxPool', input: ['x'], output: ['p'], attribute: [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), ints('strides', [2, 2])] },
      { name: 'gap', opType: 'GlobalAveragePool', input: ['p'], output: ['g'] },
      { name: 'flat', opType: 'Flatten', input: ['g'], output: ['y'] },
    ], [], valueInfo('x', [1, 2, 4, 4]), valueInfo('y', [1, 2]));
    assert.throws(() => onnxToLayersModel(decodeOnnx(bytes)), /node 'pool' \(op MaxPool\): attribute 'pads' = \[1, 1, 1, 1\]: padding a max pool is supported only after a ReLU/);
  });

  it('ceil_mode: PyTorch output sizes; a max pool needs a non-negative input, an average pool is refused when the size changes', () => {
    // Output sizes of PyTorch's nn.MaxPool2d(k, s, p, ceil_mode=True) on an n x n input (printed by torch 1.13):
    assert.equal(ceilModeSize(32, 3, 2, 0, 0), 16);  // ceil(29 / 2) + 1 = 16 (floor: 15)
    assert.equal(ceilModeSize(31, 3, 2, 0, 0), 15);  // 28 / 2 + 1: no change
    assert.equal(ceilModeSize(6, 3, 2, 1, 1), 4);    // ceil(5 / 2) + 1 = 4 (floor: 3); the last window starts at 6 < 6 + 1
    assert.equal(ceilModeSize(5, 2, 2, 1, 1), 3);    // ceil(5 / 2) + 1 = 4, but window 4 would start at 6 >= 5 + 1: dropped
    assert.equal(ceilModeSize(7, 2, 2, 1, 1), 4);    // ceil(7 / 2) + 1 = 5, window 5 would start at 8 >= 7 + 1: dropped
    const graph = (op: string, extra: Attr[] = []) => decodeOnnx(onnxBytes([
      { name: 'pool', opType: op, input: ['x'], output: ['p'], attribute: [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), int('ceil_mode', 1), ...extra] },
      { name: 'gap', opType: 'GlobalAveragePool', input: ['p'], output: ['g'] },
      { name: 'flat', opType: 'Flatten', input: ['g'], output: ['y'] },
    ], [], valueInfo('x', [1, 2, 6, 6]), valueInfo('y', [1, 2])));
    assert.throws(() => onnxToLayersModel(graph('MaxPool')), /node 'pool' \(op MaxPool\): attribute 'ceil_mode' = 1 changes the output size here \(3x3 instead of 2x2\); for a max pool that is supported only after a ReLU/);
    assert.throws(() => onnxToLayersModel(graph('AveragePool')), /node 'pool' \(op AveragePool\): attribute 'ceil_mode' = 1 changes the output size of an average pool here \(3x3 instead of 2x2\)/);
  });

  it('a grouped convolution is an ordinary one with a block-diagonal kernel', () => {
    // 2 groups, 4 output channels (2 per group), 1 input channel per group, 1x1 kernel: [O, I, k] = [4, 1, 1].
    assert.deepEqual(Array.from(blockDiagonal([1, 2, 3, 4], 4, 1, 2, 1)), [1, 0, 2, 0, 0, 3, 0, 4]);
    // 2 groups, 2 output channels, 2 input channels per group, 2 kernel cells: rows o, columns (input channel, cell).
    assert.deepEqual(Array.from(blockDiagonal([1, 2, 3, 4, 5, 6, 7, 8], 2, 2, 2, 2)), [1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 7, 8]);
    const bytes = onnxBytes([
      { name: 'conv', opType: 'Conv', input: ['x', 'w'], output: ['c'], attribute: [ints('kernel_shape', [1, 1]), int('group', 2)] },
      { name: 'gap', opType: 'GlobalAveragePool', input: ['c'], output: ['g'] },
      { name: 'flat', opType: 'Flatten', input: ['g'], output: ['y'] },
    ], [tensorProto('w', [3, 2, 1, 1], values(6, 1))], valueInfo('x', [1, 4, 2, 2]), valueInfo('y', [1, 3]));
    assert.throws(() => onnxToLayersModel(decodeOnnx(bytes)), /node 'conv' \(op Conv\): attribute 'group' = 2 does not divide the 3 output channels/);
  });

  it('a channels-last value (after a Transpose) reaches only channel-wise ops; Div only as the start of GELU', () => {
    const graph = (middle: unknown[], extra: unknown[] = []) => decodeOnnx(onnxBytes([
      { name: 'nhwc', opType: 'Transpose', input: ['x'], output: ['t'], attribute: [ints('perm', [0, 2, 3, 1])] },
      ...middle,
      { name: 'gap', opType: 'GlobalAveragePool', input: ['m'], output: ['g'] },
      { name: 'flat', opType: 'Flatten', input: ['g'], output: ['y'] },
    ], extra, valueInfo('x', [1, 2, 4, 4]), valueInfo('y', [1, 2])));
    // A pooling over what ONNX sees as [n, h, w, c] would pool the wrong axes: refused.
    assert.throws(() => onnxToLayersModel(graph([{ name: 'id', opType: 'Identity', input: ['t'], output: ['m'] }])),
      /node 'gap' \(op GlobalAveragePool\): input 0 is channels-last \(after a Transpose\); only Transpose, LayerNormalization/);
    assert.throws(() => onnxToLayersModel(graph([{ name: 'bad', opType: 'Transpose', input: ['t'], output: ['m'], attribute: [ints('perm', [0, 1, 3, 2])] }])),
      /node 'bad' \(op Transpose\): attribute 'perm' = \[0,1,3,2\]: only NCHW -> NHWC/);
    // Back to channels-first: accepted.
    const ok = onnxToLayersModel(graph([{ name: 'back', opType: 'Transpose', input: ['t'], output: ['m'], attribute: [ints('perm', [0, 3, 1, 2])] }]));
    assert.deepEqual(ok.outputs[0].shape, [null, 2]);
    ok.dispose();
    const div = decodeOnnx(onnxBytes([
      { name: 'half', opType: 'Div', input: ['x', 'two'], output: ['d'] },
      { name: 'gap', opType: 'GlobalAveragePool', input: ['d'], output: ['g'] },
      { name: 'flat', opType: 'Flatten', input: ['g'], output: ['y'] },
    ], [tensorProto('two', [], [2])], valueInfo('x', [1, 2, 4, 4]), valueInfo('y', [1, 2])));
    assert.throws(() => onnxToLayersModel(div), /node 'half' \(op Div\): Div is supported only as the start of GELU/);
  });

  it('symbolic input dimensions need inputShape; garbage bytes are not an ONNX model', async () => {
    const bytes = onnxBytes([{ name: 'gap', opType: 'GlobalAveragePool', input: ['x'], output: ['g'] }, { name: 'flat', opType: 'Flatten', input: ['g'], output: ['y'] }],
      [], valueInfo('x', ['n', 3, 'h', 'w']), valueInfo('y', ['n', 3]));
    assert.throws(() => onnxToLayersModel(decodeOnnx(bytes)), /input 'x' has symbolic dimensions \[n, 3, h, w\]; pass inputShape/);
    const model = onnxToLayersModel(decodeOnnx(bytes), { inputShape: [8, 8, 3] });
    assert.deepEqual(model.inputs[0].shape, [null, 8, 8, 3]);
    model.dispose();
    assert.throws(() => decodeOnnx(new Uint8Array([1, 2, 3, 4, 5]), 'junk.onnx'), /junk\.onnx: not an ONNX model/);
    await assert.rejects(loadOnnxModel(os.tmpdir()), /is a folder; expected an \.onnx file/);
  });

  it('a split at an ONNX node name strips the softmax output', () => {
    const bytes = onnxBytes([
      { name: '/c/Conv', opType: 'Conv', input: ['x', 'w', 'b'], output: ['c'], attribute: [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])] },
      { name: '/r/Relu', opType: 'Relu', input: ['c'], output: ['r'] },
      { name: '/gap', opType: 'GlobalAveragePool', input: ['r'], output: ['g'] },
      { name: '/flat', opType: 'Flatten', input: ['g'], output: ['f'] },
      { name: '/fc/Gemm', opType: 'Gemm', input: ['f', 'fw', 'fb'], output: ['z'], attribute: [int('transB', 1)] },
      { name: '/Softmax', opType: 'Softmax', input: ['z'], output: ['y'], attribute: [int('axis', 1)] },
    ], [tensorProto('w', [4, 2, 3, 3], W), tensorProto('b', [4], B), tensorProto('fw', [3, 4], values(12, 5)), tensorProto('fb', [3], [0, 0, 0])],
    valueInfo('x', ['n', 2, 5, 6]), valueInfo('y', ['n', 3]));
    const model = onnxToLayersModel(decodeOnnx(bytes));
    const split = splitModel(model, 'r/Relu');
    try {
      assert.equal(split.strippedSoftmax, true);
      assert.equal(split.numClasses, 3);
    } finally {
      split.dispose();
      model.dispose();
    }
  });
});
