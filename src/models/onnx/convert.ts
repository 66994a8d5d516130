/**
 * ONNX graph -> tfjs LayersModel (functional), for the op set of VGG/ResNet-style convolutional
 * classifiers exported by `torch.onnx.export`: Conv, BatchNormalization, Relu, MaxPool, AveragePool,
 * GlobalAveragePool, Add, Gemm, MatMul (+ Add of a bias), Flatten, Reshape (to [n, -1]), Concat,
 * Pad (zeros, spatial), Dropout, Identity, Softmax, Clip (ReLU / ReLU6), Constant, Sigmoid,
 * HardSigmoid, HardSwish, Mul (equal shapes, as in SiLU; a per-channel gate, as in squeeze-and-
 * excitation; a constant per-channel scale), ReduceMean (over space), and for ConvNeXt (opset 17):
 * Transpose to channels-last and back, LayerNormalization and MatMul over channels-last pixels, and
 * GELU (PyTorch's Div-Erf-Add-Mul-Mul chain, converted as one `gelu` activation).
 *
 * Layout: ONNX tensors are NCHW, tfjs layers NHWC. Every 4-D value is kept NHWC, so channel axes
 * move from 1 to -1 and convolution kernels are transposed from [out, in, kh, kw] to
 * [kh, kw, in, out]. A flatten of a map larger than 1x1 first permutes NHWC back to NCHW, so the
 * flattened order, and thus the following dense weights, are PyTorch's.
 *
 * Padding: ONNX pads are explicit and may be asymmetric. Symmetric padding that equals tfjs 'same'
 * (stride 1, odd kernel) becomes 'same'; any other becomes a ZeroPadding2D layer before a 'valid'
 * layer. For MaxPool this is exact only when the input cannot be negative (ONNX pads with -inf), so
 * it is accepted only after a ReLU/Clip(min >= 0) or a max pool of such; AveragePool padding must
 * count the padded zeros (`count_include_pad=1`).
 *
 * Names: each layer is named after its ONNX node (see {@link onnxLayerName}); extra layers a node
 * needs are named `<node>/pad`, `<node>/nchw`, `<node>/reshape`, `<node>/affine`, `<node>/gate`.
 *
 * Grouped convolutions (ResNeXt, RegNet): a depthwise one (one input channel per group) becomes a
 * DepthwiseConv2D; any other becomes an ordinary Conv2D whose kernel is block-diagonal (zero between
 * groups). That is exact and keeps every layer a stock tfjs layer, at `group` times the multiply-adds
 * of that convolution.
 *
 * `ceil_mode=1` pooling (SqueezeNet, GoogLeNet) follows PyTorch: the output size rounds up, but a
 * window that would start in the end padding is dropped. For a max pool the extra windows read zeros
 * at the bottom/right, exact after a ReLU as for padding; an average pool whose size `ceil_mode`
 * changes is refused (PyTorch's divisor there counts neither the extra rows nor, for the last window,
 * all of the padding).
 *
 * Anything else (another op, a dilated pool, a training-mode batch norm, ...) is an error naming the
 * node, the op and the attribute.
 */
import * as tf from '@tensorflow/tfjs';
import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor } from './schema';

/** Options of {@link onnxToLayersModel}. */
export interface OnnxConvertOptions {
  /** Name of the tfjs model. Default: the ONNX graph name, else `onnx-model`. */
  name?: string;
  /**
   * `[height, width, channels]` of the input, needed when the ONNX input has symbolic spatial or
   * channel dimensions (the batch dimension may always be symbolic).
   */
  inputShape?: readonly [number, number, number];
  /** Names the file in errors. Default: the graph's `source`. */
  where?: string;
}

/**
 * The tfjs layer name of an ONNX node: the node name with leading characters other than letters
 * and digits removed and any character outside `[A-Za-z0-9._/-]` replaced by `_` (tfjs's rule for
 * names), e.g. `/layer4/layer4.1/relu_1/Relu` -> `layer4/layer4.1/relu_1/Relu`. A node without a
 * name gets `<OpType>_<index>`.
 */
export function onnxLayerName(nodeName: string, opType = 'node', index = 0): string {
  const cleaned = nodeName.replace(/[^-A-Za-z0-9._/]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned || `${opType}_${index}`;
}

/** A value flowing through the graph while it is converted. */
type Value =
  | {
    kind: 'sym';
    t: tf.SymbolicTensor;
    /** The ONNX shape without the batch dimension (NCHW order for 4-D values). */
    shape: number[];
    /** True when the tfjs tensor is [n, c] standing for an ONNX [n, c, 1, 1] (after a global pool). */
    squeezed: boolean;
    /** True when every element is known to be >= 0 (after a ReLU). */
    nonNegative: boolean;
    /** The dense layer of a MatMul, whose bias a following Add may set. */
    matmul?: { layer: string; consumers: number };
    /**
     * True when ONNX sees the value channels-last, `[n, h, w, c]`, after a Transpose with perm
     * [0, 2, 3, 1] (ConvNeXt's LayerNorm and Linear layers). The tfjs tensor is the same NHWC tensor;
     * `shape` stays in NCHW order. Only the ops in {@link CHANNELS_LAST_OPS} accept such a value.
     */
    channelsLast?: boolean;
  }
  | { kind: 'const'; tensor: OnnxTensor };

class Converter {
  private readonly values = new Map<string, Value>();
  private readonly weights = new Map<string, tf.Tensor[]>();
  private readonly layers = new Map<string, tf.layers.Layer>();
  private readonly uses = new Map<string, number>();
  /** The nodes (by index) that read each value. */
  private readonly consumers = new Map<string, number[]>();
  /** Nodes already converted as part of an earlier node's pattern (GELU). */
  private readonly fused = new Set<number>();
  private node!: OnnxNode;
  private index = 0;

  constructor(private readonly g: OnnxGraph, private readonly where: string) {
    g.nodes.forEach((n, k) => {
      for (const i of n.inputs) {
        if (!i) continue;
        this.uses.set(i, (this.uses.get(i) ?? 0) + 1);
        this.consumers.set(i, [...(this.consumers.get(i) ?? []), k]);
      }
    });
    for (const [name, t] of g.initializers) this.values.set(name, { kind: 'const', tensor: t });
  }

  private fail(what: string): Error {
    return new Error(`${this.where}: node '${this.node.name || `#${this.index}`}' (op ${this.node.opType}): ${what}`);
  }

  private layerName(suffix = ''): string {
    return onnxLayerName(this.node.name, this.node.opType, this.index) + suffix;
  }

  private add(layer: tf.layers.Layer, weights?: tf.Tensor[]): tf.layers.Layer {
    if (this.layers.has(layer.name)) throw this.fail(`two layers would be named '${layer.name}' (ONNX node names must be unique)`);
    this.layers.set(layer.name, layer);
    if (weights) this.weights.set(layer.name, weights);
    return layer;
  }

  private attr<T extends OnnxAttribute>(name: string, fallback: T): T {
    const v = this.node.attributes.get(name);
    return (v === undefined ? fallback : v) as T;
  }

  /** Rejects attributes the converter does not read. */
  private known(names: string[]): void {
    for (const k of this.node.attributes.keys()) if (!names.includes(k)) throw this.fail(`attribute '${k}' is not supported`);
  }

  private input(i: number): Value {
    const name = this.node.inputs[i];
    const v = name ? this.values.get(name) : undefined;
    if (!v) throw this.fail(`input ${i} ('${name ?? ''}') is not produced by any node, initializer or graph input`);
    return v;
  }

  private sym(i: number): Extract<Value, { kind: 'sym' }> {
    const v = this.input(i);
    if (v.kind !== 'sym') throw this.fail(`input ${i} ('${this.node.inputs[i]}') is a constant; only computed inputs are supported there`);
    return v;
  }

  private constant(i: number): OnnxTensor | undefined {
    const name = this.node.inputs[i];
    if (!name) return undefined;
    const v = this.input(i);
    if (v.kind !== 'const') throw this.fail(`input ${i} ('${name}') must be a constant (an initializer or a Constant node)`);
    return v.tensor;
  }

  private set(value: Value, output = 0): void {
    this.values.set(this.node.outputs[output], value);
  }

  private spatial(v: Extract<Value, { kind: 'sym' }>): Extract<Value, { kind: 'sym' }> {
    if (v.shape.length !== 3) throw this.fail(`expected a 4-D [n, c, h, w] input, got rank ${v.shape.length + 1}`);
    if (!v.squeezed) return v;
    const t = this.add(tf.layers.reshape({ targetShape: [1, 1, v.shape[0]], name: this.layerName('/reshape') })).apply(v.t) as tf.SymbolicTensor;
    return { ...v, t, squeezed: false };
  }

  /** ONNX pads [top, left, bottom, right] -> a ZeroPadding2D layer (or nothing). */
  private pad(v: Extract<Value, { kind: 'sym' }>, pads: number[]): Extract<Value, { kind: 'sym' }> {
    const [t, l, b, r] = pads;
    if (t === 0 && l === 0 && b === 0 && r === 0) return v;
    if ([t, l, b, r].some((p) => !(Number.isInteger(p) && p >= 0))) throw this.fail(`attribute 'pads' = [${pads.join(', ')}]: negative padding is not supported`);
    const out = this.add(tf.layers.zeroPadding2d({ padding: [[t, b], [l, r]], name: this.layerName('/pad') })).apply(v.t) as tf.SymbolicTensor;
    const [c, h, w] = v.shape;
    return { ...v, t: out, shape: [c, h + t + b, w + l + r] };
  }

  private spatialAttrs(kernel: number[]): { strides: number[]; pads: number[]; dilations: number[] } {
    if (kernel.length !== 2) throw this.fail(`attribute 'kernel_shape' = [${kernel.join(', ')}]: only 2-D kernels are supported`);
    const autoPad = this.attr('auto_pad', 'NOTSET');
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID' && autoPad !== '') throw this.fail(`attribute 'auto_pad' = '${autoPad}' is not supported (export with explicit pads)`);
    const strides = this.attr<number[]>('strides', [1, 1]);
    const pads = this.attr<number[]>('pads', [0, 0, 0, 0]);
    const dilations = this.attr<number[]>('dilations', [1, 1]);
    if (pads.length !== 4) throw this.fail(`attribute 'pads' = [${pads.join(', ')}]: expected 4 values`);
    return { strides, pads, dilations };
  }

  private outSize(size: number, k: number, s: number, d: number): number {
    const out = Math.floor((size - d * (k - 1) - 1) / s) + 1;
    if (out < 1) throw this.fail(`the kernel (${k}, dilation ${d}) is larger than the padded input (${size})`);
    return out;
  }

  convert(): void {
    // Constant nodes first (they read nothing), so that a pattern (GELU) can see constants that a
    // later node produces.
    const constantsFirst = [...this.g.nodes.keys()].sort((a, b) => Number(this.g.nodes[b].opType === 'Constant') - Number(this.g.nodes[a].opType === 'Constant') || a - b);
    constantsFirst.forEach((i) => {
      const node = this.g.nodes[i];
      this.node = node;
      this.index = i;
      if (node.domain && node.domain !== 'ai.onnx') throw this.fail(`domain '${node.domain}' is not supported (only the default ONNX domain)`);
      if (this.fused.has(i)) return;
      const op = OPS[node.opType];
      if (!op) throw this.fail(`op '${node.opType}' is not supported; supported ops: ${Object.keys(OPS).sort().join(', ')}`);
      if (!CHANNELS_LAST_OPS.includes(node.opType)) {
        node.inputs.forEach((name, k) => {
          const v = name ? this.values.get(name) : undefined;
          if (v?.kind === 'sym' && v.channelsLast) {
            throw this.fail(`input ${k} is channels-last (after a Transpose); only ${CHANNELS_LAST_OPS.join(', ')} read such a value` +
              (node.opType === 'ReduceMean' ? ' (a LayerNorm exported with opset 16 or lower is a ReduceMean chain: export with opset_version=17)' : ''));
          }
        });
      }
      op.call(this);
    });
  }

  model(inputShape: readonly [number, number, number] | undefined, name: string): tf.LayersModel {
    const inputs = this.g.inputs;
    if (inputs.length !== 1) throw new Error(`${this.where}: expected one graph input, found ${inputs.length} (${inputs.map((v) => v.name).join(', ')})`);
    const inp = inputs[0];
    if (inp.dims.length !== 4) throw new Error(`${this.where}: input '${inp.name}' has rank ${inp.dims.length}; expected [n, channels, height, width]`);
    const [, c, h, w] = inp.dims;
    const known = [h, w, c].every((d) => typeof d === 'number' && d > 0);
    const shape = inputShape ?? (known ? [h, w, c] as [number, number, number] : undefined);
    if (!shape) throw new Error(`${this.where}: input '${inp.name}' has symbolic dimensions [${inp.dims.join(', ')}]; pass inputShape [height, width, channels]`);
    if (known && (shape[0] !== h || shape[1] !== w || shape[2] !== c)) {
      throw new Error(`${this.where}: inputShape [${shape.join(', ')}] differs from the model's input [${h}, ${w}, ${c}] (height, width, channels)`);
    }
    const input = tf.input({ shape: [...shape], name: onnxLayerName(inp.name, 'input') });
    this.values.set(inp.name, { kind: 'sym', t: input, shape: [shape[2], shape[0], shape[1]], squeezed: false, nonNegative: false });
    try {
      this.convert();
      if (this.g.outputs.length !== 1) throw new Error(`${this.where}: expected one graph output, found ${this.g.outputs.length} (${this.g.outputs.map((v) => v.name).join(', ')})`);
      const out = this.values.get(this.g.outputs[0].name);
      if (!out || out.kind !== 'sym') throw new Error(`${this.where}: output '${this.g.outputs[0].name}' is not computed from the input`);
      if (out.shape.length !== 1) throw new Error(`${this.where}: output '${this.g.outputs[0].name}' has shape [n, ${out.shape.join(', ')}]; expected class scores [n, classes]`);
      const model = tf.model({ inputs: input, outputs: out.t, name });
      for (const [layerName, ws] of this.weights) model.getLayer(layerName).setWeights(ws);
      return model;
    } catch (e) {
      for (const layer of this.layers.values()) { try { layer.dispose(); } catch { /* never built */ } }
      throw e;
    } finally {
      for (const ws of this.weights.values()) tf.dispose(ws);
    }
  }

  // ---- ops --------------------------------------------------------------------------------------

  conv(): void {
    this.known(['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides']);
    let x = this.spatial(this.sym(0));
    const W = this.constant(1);
    if (!W || W.dims.length !== 4) throw this.fail(`weight input must be a constant [out, in, kh, kw] tensor`);
    const B = this.constant(2);
    const [O, I, kh, kw] = W.dims;
    const kernel = this.attr<number[]>('kernel_shape', [kh, kw]);
    const { strides, pads, dilations } = this.spatialAttrs(kernel);
    const group = this.attr<number>('group', 1);
    const C = x.shape[0];
    if (I * group !== C) throw this.fail(`weight [${W.dims.join(', ')}] with group ${group} expects ${I * group} input channels, got ${C}`);
    if (dilations.some((d) => d !== 1) && strides.some((s) => s !== 1)) throw this.fail(`attributes 'dilations' = [${dilations}] with 'strides' = [${strides}]: dilation and stride together are not supported`);
    if (O % group !== 0) throw this.fail(`attribute 'group' = ${group} does not divide the ${O} output channels`);
    const depthwise = group > 1 && group === C && I === 1;
    const same = strides.every((s) => s === 1) && pads[0] === pads[2] && pads[1] === pads[3] && kh % 2 === 1 && kw % 2 === 1
      && pads[0] === dilations[0] * (kh - 1) / 2 && pads[1] === dilations[1] * (kw - 1) / 2;
    if (!same) x = this.pad(x, pads);
    const [, h, w] = x.shape;
    const oh = same ? h : this.outSize(h, kh, strides[0], dilations[0]);
    const ow = same ? w : this.outSize(w, kw, strides[1], dilations[1]);
    const common = { kernelSize: [kh, kw] as [number, number], strides: strides as [number, number], padding: same ? 'same' as const : 'valid' as const, dilationRate: dilations as [number, number], useBias: B !== undefined, name: this.layerName() };
    const bias = B ? [tf.tensor1d(Float32Array.from(B.data))] : [];
    let layer: tf.layers.Layer;
    if (depthwise) {
      const mult = O / C;
      const k = tf.tidy(() => tf.transpose(tf.tensor4d(Float32Array.from(W.data), [C, mult, kh, kw]), [2, 3, 0, 1]));
      layer = this.add(tf.layers.depthwiseConv2d({ ...common, depthMultiplier: mult }), [k, ...bias]);
    } else {
      const k = tf.tidy(() => tf.transpose(tf.tensor4d(group === 1 ? Float32Array.from(W.data) : blockDiagonal(W.data, O, I, group, kh * kw), [O, C, kh, kw]), [2, 3, 1, 0]));
      layer = this.add(tf.layers.conv2d({ ...common, filters: O }), [k, ...bias]);
    }
    this.set({ kind: 'sym', t: layer.apply(x.t) as tf.SymbolicTensor, shape: [O, oh, ow], squeezed: false, nonNegative: false });
  }

  batchNorm(): void {
    this.known(['epsilon', 'momentum', 'training_mode', 'spatial']);
    if (this.attr<number>('training_mode', 0) !== 0) throw this.fail(`attribute 'training_mode' = 1 is not supported (export the model in eval mode)`);
    if (this.node.outputs.length > 1) throw this.fail('running-statistics outputs are not supported (export the model in eval mode)');
    const x = this.sym(0);
    const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => this.constant(i));
    if (!scale || !bias || !mean || !variance) throw this.fail('scale, bias, mean and variance must be constants');
    const C = x.shape[0];
    for (const t of [scale, bias, mean, variance]) if (t.data.length !== C) throw this.fail(`parameter '${t.name}' has ${t.data.length} values for ${C} channels`);
    const layer = this.add(tf.layers.batchNormalization({ axis: -1, epsilon: this.attr('epsilon', 1e-5), name: this.layerName() }),
      [scale, bias, mean, variance].map((t) => tf.tensor1d(Float32Array.from(t.data))));
    this.set({ ...x, t: layer.apply(x.t) as tf.SymbolicTensor, nonNegative: false, matmul: undefined });
  }

  relu(maxValue?: number): void {
    const x = this.sym(0);
    const layer = this.add(maxValue === undefined ? tf.layers.reLU({ name: this.layerName() }) : tf.layers.reLU({ maxValue, name: this.layerName() }));
    this.set({ ...x, t: layer.apply(x.t) as tf.SymbolicTensor, nonNegative: true, matmul: undefined });
  }

  clip(): void {
    this.known(['min', 'max']);
    const scalar = (i: number, attr: string): number | undefined => {
      const t = this.node.inputs[i] ? this.constant(i) : undefined;
      if (t) return t.data[0];
      const a = this.node.attributes.get(attr);
      return a === undefined ? undefined : Number(a);
    };
    const lo = scalar(1, 'min'), hi = scalar(2, 'max');
    if (lo !== 0) throw this.fail(`min = ${lo ?? '-inf'}: only Clip(min = 0) (ReLU, ReLU6) is supported`);
    this.relu(hi === undefined || hi === Infinity ? undefined : hi);
  }

  pool(kind: 'max' | 'avg'): void {
    this.known(['auto_pad', 'ceil_mode', 'kernel_shape', 'pads', 'strides', 'dilations', 'storage_order', 'count_include_pad']);
    let x = this.spatial(this.sym(0));
    const kernel = this.attr<number[]>('kernel_shape', []);
    const { strides, dilations } = this.spatialAttrs(kernel);
    let { pads } = this.spatialAttrs(kernel);
    if (dilations.some((d) => d !== 1)) throw this.fail(`attribute 'dilations' = [${dilations}] is not supported for pooling`);
    if (this.attr<number>('storage_order', 0) !== 0) throw this.fail(`attribute 'storage_order' = 1 is not supported`);
    if (this.node.outputs.length > 1 && this.node.outputs[1]) throw this.fail('the indices output is not supported');
    const [, h, w] = x.shape;
    let oh = this.outSize(h + pads[0] + pads[2], kernel[0], strides[0], 1), ow = this.outSize(w + pads[1] + pads[3], kernel[1], strides[1], 1);
    if (this.attr<number>('ceil_mode', 0) !== 0) {
      const ch = ceilModeSize(h, kernel[0], strides[0], pads[0], pads[2]), cw = ceilModeSize(w, kernel[1], strides[1], pads[1], pads[3]);
      if (ch !== oh || cw !== ow) {
        if (kind === 'avg') throw this.fail(`attribute 'ceil_mode' = 1 changes the output size of an average pool here (${ch}x${cw} instead of ${oh}x${ow}) and is not supported`);
        if (!x.nonNegative) throw this.fail(`attribute 'ceil_mode' = 1 changes the output size here (${ch}x${cw} instead of ${oh}x${ow}); for a max pool that is supported only after a ReLU (the extra windows read zeros)`);
        // The last windows reach past the end padding: pad the bottom/right so that they fit.
        pads = [pads[0], pads[1], Math.max(0, (ch - 1) * strides[0] + kernel[0] - h - pads[0]), Math.max(0, (cw - 1) * strides[1] + kernel[1] - w - pads[1])];
        [oh, ow] = [ch, cw];
      }
    }
    const padded = pads.some((p) => p !== 0);
    if (padded && kind === 'max' && !x.nonNegative) {
      throw this.fail(`attribute 'pads' = [${pads.join(', ')}]: padding a max pool is supported only after a ReLU (ONNX pads with -inf, filtermine with zeros)`);
    }
    if (padded && kind === 'avg' && this.attr<number>('count_include_pad', 0) !== 1) {
      throw this.fail(`attribute 'pads' = [${pads.join(', ')}] with count_include_pad = 0 is not supported (padded average pooling must count the zeros)`);
    }
    x = this.pad(x, pads);
    const cfg = { poolSize: kernel as [number, number], strides: strides as [number, number], padding: 'valid' as const, name: this.layerName() };
    const layer = this.add(kind === 'max' ? tf.layers.maxPooling2d(cfg) : tf.layers.averagePooling2d(cfg));
    this.set({ ...x, t: layer.apply(x.t) as tf.SymbolicTensor, shape: [x.shape[0], oh, ow], matmul: undefined });
  }

  globalAveragePool(): void {
    if (this.node.opType === 'GlobalAveragePool') this.known([]);
    const x = this.spatial(this.sym(0));
    const layer = this.add(tf.layers.globalAveragePooling2d({ name: this.layerName() }));
    this.set({ ...x, t: layer.apply(x.t) as tf.SymbolicTensor, shape: [x.shape[0], 1, 1], squeezed: true, matmul: undefined });
  }

  /** Flatten to [n, features] in NCHW order. */
  flattenValue(x: Extract<Value, { kind: 'sym' }>): void {
    const features = x.shape.reduce((a, b) => a * b, 1);
    if (x.shape.length === 1 || x.squeezed) { this.set({ ...x, shape: [features], squeezed: false }); return; }
    if (x.shape.length !== 3) throw this.fail(`flattening a rank-${x.shape.length + 1} value is not supported`);
    let t = x.t;
    if (x.shape[1] * x.shape[2] > 1) t = this.add(tf.layers.permute({ dims: [3, 1, 2], name: this.layerName('/nchw') })).apply(t) as tf.SymbolicTensor;
    t = this.add(tf.layers.flatten({ name: this.layerName() })).apply(t) as tf.SymbolicTensor;
    this.set({ ...x, t, shape: [features], squeezed: false, matmul: undefined });
  }

  flatten(): void {
    this.known(['axis']);
    if (this.attr<number>('axis', 1) !== 1) throw this.fail(`attribute 'axis' = ${this.attr('axis', 1)}: only axis 1 (keep the batch) is supported`);
    this.flattenValue(this.sym(0));
  }

  reshape(): void {
    this.known(['allowzero']);
    const x = this.sym(0);
    const target = this.constant(1);
    if (!target) throw this.fail('the shape input must be a constant');
    const dims = Array.from(target.data);
    const features = x.shape.reduce((a, b) => a * b, 1);
    const ok = dims.length === 2 && (dims[0] === 0 || dims[0] === -1 || dims[0] === 1) && (dims[1] === -1 || dims[1] === features);
    if (!ok) throw this.fail(`shape [${dims.join(', ')}]: only a reshape to [n, -1] (a flatten) is supported`);
    this.flattenValue(x);
  }

  dense(transposedKernel: boolean, kernelSource: OnnxTensor, alpha: number, bias: Float64Array | undefined, x: Extract<Value, { kind: 'sym' }>, matmul: boolean): void {
    const lastAxis = x.channelsLast === true && x.shape.length === 3 && !x.squeezed; // a Linear over channels-last pixels
    if (x.shape.length !== 1 && !x.squeezed && !lastAxis) throw this.fail(`expected a 2-D [n, features] input, got shape [n, ${x.shape.join(', ')}]`);
    const features = lastAxis ? x.shape[0] : x.shape.reduce((a, b) => a * b, 1);
    if (kernelSource.dims.length !== 2) throw this.fail(`weight '${kernelSource.name}' must be 2-D, got [${kernelSource.dims.join(', ')}]`);
    const [r, c] = kernelSource.dims;
    const [inF, units] = transposedKernel ? [c, r] : [r, c];
    if (inF !== features) throw this.fail(`weight '${kernelSource.name}' [${kernelSource.dims.join(', ')}] expects ${inF} input features, got ${features}`);
    const k = new Float32Array(inF * units);
    for (let i = 0; i < inF; i++) for (let j = 0; j < units; j++) k[i * units + j] = alpha * (transposedKernel ? kernelSource.data[j * inF + i] : kernelSource.data[i * units + j]);
    const b = new Float32Array(units);
    if (bias) {
      if (bias.length !== units && bias.length !== 1) throw this.fail(`bias has ${bias.length} values for ${units} outputs`);
      for (let j = 0; j < units; j++) b[j] = bias.length === 1 ? bias[0] : bias[j];
    }
    const name = this.layerName();
    const layer = this.add(tf.layers.dense({ units, name }), [tf.tensor2d(k, [inF, units]), tf.tensor1d(b)]);
    this.set({ kind: 'sym', t: layer.apply(x.t) as tf.SymbolicTensor, shape: lastAxis ? [units, x.shape[1], x.shape[2]] : [units], squeezed: false, nonNegative: false,
      matmul: matmul ? { layer: name, consumers: this.uses.get(this.node.outputs[0]) ?? 0 } : undefined, ...(lastAxis ? { channelsLast: true } : {}) });
  }

  gemm(): void {
    this.known(['alpha', 'beta', 'transA', 'transB']);
    if (this.attr<number>('transA', 0) !== 0) throw this.fail(`attribute 'transA' = 1 is not supported`);
    const B = this.constant(1);
    if (!B) throw this.fail('the weight input B must be a constant');
    const C = this.constant(2);
    const beta = this.attr('beta', 1);
    this.dense(this.attr<number>('transB', 0) === 1, B, this.attr('alpha', 1), C ? C.data.map((v) => v * beta) : undefined, this.sym(0), false);
  }

  matmul(): void {
    this.known([]);
    const B = this.constant(1);
    if (!B) throw this.fail('the second input must be a constant weight matrix');
    this.dense(false, B, 1, undefined, this.sym(0), true);
  }

  addOp(): void {
    this.known([]);
    const a = this.input(0), b = this.input(1);
    if (a.kind === 'sym' && b.kind === 'sym') {
      if (a.shape.join() !== b.shape.join() || a.squeezed !== b.squeezed || !a.channelsLast !== !b.channelsLast) throw this.fail(`adding shapes [${a.shape}] and [${b.shape}] (broadcasting is not supported)`);
      const layer = this.add(tf.layers.add({ name: this.layerName() }));
      this.set({ ...a, t: layer.apply([a.t, b.t]) as tf.SymbolicTensor, nonNegative: a.nonNegative && b.nonNegative, matmul: undefined });
      return;
    }
    const x = a.kind === 'sym' ? a : b.kind === 'sym' ? b : undefined;
    const c = a.kind === 'const' ? a : b.kind === 'const' ? b : undefined;
    if (x && c && x.matmul && x.matmul.consumers === 1) {
      // MatMul + Add(bias): the bias of the MatMul's dense layer.
      const ws = this.weights.get(x.matmul.layer)!;
      const units = x.shape[0];
      if (c.tensor.data.length !== units) throw this.fail(`bias '${c.tensor.name}' has ${c.tensor.data.length} values for ${units} outputs`);
      ws[1].dispose();
      ws[1] = tf.tensor1d(Float32Array.from(c.tensor.data));
      this.set({ ...x, matmul: undefined });
      return;
    }
    throw this.fail('adding a constant is supported only as the bias of a MatMul');
  }

  concat(): void {
    this.known(['axis']);
    const xs = this.node.inputs.map((_, i) => this.sym(i));
    if (xs.length === 1) { this.set(xs[0]); return; } // torch.cat([x]) (DenseNet's first layer): x itself
    const rank = xs[0].shape.length + 1;
    let axis = this.attr<number>('axis', 1);
    if (axis < 0) axis += rank;
    if (axis !== 1) throw this.fail(`attribute 'axis' = ${this.attr('axis', 1)}: only concatenation along channels (axis 1) is supported`);
    const spatial = rank === 4 ? xs.map((x) => (x.squeezed ? this.spatial(x) : x)) : xs;
    for (const x of spatial) if (x.shape.slice(1).join() !== spatial[0].shape.slice(1).join()) throw this.fail(`inputs of shapes ${spatial.map((v) => `[${v.shape}]`).join(', ')} differ outside the channel axis`);
    const layer = this.add(tf.layers.concatenate({ axis: -1, name: this.layerName() }));
    const channels = spatial.reduce((n, x) => n + x.shape[0], 0);
    this.set({ kind: 'sym', t: layer.apply(spatial.map((x) => x.t)) as tf.SymbolicTensor, shape: [channels, ...spatial[0].shape.slice(1)], squeezed: false, nonNegative: spatial.every((x) => x.nonNegative) });
  }

  sigmoid(): void {
    this.known([]);
    const x = this.sym(0);
    const layer = this.add(tf.layers.activation({ activation: 'sigmoid', name: this.layerName() }));
    this.set({ ...x, t: layer.apply(x.t) as tf.SymbolicTensor, nonNegative: true, matmul: undefined });
  }

  /** HardSigmoid `clip(alpha x + beta, 0, 1)` (MobileNet-v3; with Mul it is HardSwish): a Rescaling and a ReLU capped at 1. */
  hardSigmoid(): void {
    this.known(['alpha', 'beta']);
    const x = this.sym(0);
    const affine = this.add(tf.layers.rescaling({ scale: this.attr('alpha', 0.2), offset: this.attr('beta', 0.5), name: this.layerName('/affine') }));
    const clip = this.add(tf.layers.reLU({ maxValue: 1, name: this.layerName() }));
    this.set({ ...x, t: clip.apply(affine.apply(x.t)) as tf.SymbolicTensor, nonNegative: true, matmul: undefined });
  }

  /** HardSwish `x * clip(x / 6 + 1/2, 0, 1)` (opset 14 and later; opset 13 exports HardSigmoid and Mul). */
  hardSwish(): void {
    this.known([]);
    const x = this.sym(0);
    const affine = this.add(tf.layers.rescaling({ scale: 1 / 6, offset: 0.5, name: this.layerName('/affine') }));
    const clip = this.add(tf.layers.reLU({ maxValue: 1, name: this.layerName('/gate') }));
    const product = this.add(tf.layers.multiply({ name: this.layerName() }));
    const gate = clip.apply(affine.apply(x.t)) as tf.SymbolicTensor;
    this.set({ ...x, t: product.apply([x.t, gate]) as tf.SymbolicTensor, nonNegative: false, matmul: undefined });
  }

  /**
   * Elementwise product of two computed values: SiLU/Swish (`x * sigmoid(x)`) and squeeze-and-
   * excitation gates (a `[n, c, 1, 1]` gate times a `[n, c, h, w]` map, broadcast over space).
   */
  mul(): void {
    this.known([]);
    if (this.input(0).kind === 'const' || this.input(1).kind === 'const') { this.channelScale(); return; }
    let a = this.sym(0), b = this.sym(1);
    if (!a.channelsLast !== !b.channelsLast) throw this.fail('multiplying a channels-last value by a channels-first one is not supported');
    const spatialOnly = (v: typeof a) => v.shape.length === 3 && v.shape[1] === 1 && v.shape[2] === 1;
    if (a.shape.join() !== b.shape.join() || a.squeezed !== b.squeezed) {
      const gate = a.shape.length === 3 && b.shape.length === 3 && a.shape[0] === b.shape[0] && (spatialOnly(a) || spatialOnly(b));
      if (!gate) throw this.fail(`multiplying shapes [${a.shape}] and [${b.shape}]: only equal shapes and a per-channel [c, 1, 1] gate are supported`);
      a = this.spatial(a);
      b = this.spatial(b);
    }
    const big = spatialOnly(a) ? b : a;
    const layer = this.add(tf.layers.multiply({ name: this.layerName() }));
    this.set({ ...big, t: layer.apply([a.t, b.t]) as tf.SymbolicTensor, nonNegative: a.nonNegative && b.nonNegative, matmul: undefined });
  }

  /**
   * A value times a constant per-channel `[c, 1, 1]` scale (ConvNeXt's layer scale): a 1x1 depthwise
   * convolution without bias.
   */
  channelScale(): void {
    const k = this.input(0).kind === 'const' ? 0 : 1;
    const scale = this.constant(k)!;
    const x = this.spatial(this.sym(1 - k));
    const C = x.shape[0];
    const dims = scale.dims.filter((d) => d !== 1);
    if (x.channelsLast || scale.data.length !== C || dims.length > 1 || (scale.dims.length >= 3 && scale.dims.slice(-2).some((d) => d !== 1))) {
      throw this.fail(`multiplying [${x.shape}] by a constant of shape [${scale.dims}]: only a per-channel [${C}, 1, 1] scale is supported`);
    }
    const kernel = tf.tensor4d(Float32Array.from(scale.data), [1, 1, C, 1]);
    const layer = this.add(tf.layers.depthwiseConv2d({ kernelSize: 1, depthMultiplier: 1, useBias: false, name: this.layerName() }), [kernel]);
    this.set({ ...x, t: layer.apply(x.t) as tf.SymbolicTensor, nonNegative: x.nonNegative && Array.from(scale.data).every((v) => v >= 0), matmul: undefined });
  }

  /** Transpose between channels-first and channels-last (perm [0, 2, 3, 1] and back): a change of view, no layer. */
  transpose(): void {
    this.known(['perm']);
    const x = this.sym(0);
    const perm = this.attr<number[]>('perm', []).join();
    if (x.shape.length === 3 && perm === '0,2,3,1' && !x.channelsLast) { this.set({ ...x, channelsLast: true, matmul: undefined }); return; }
    if (x.shape.length === 3 && perm === '0,3,1,2' && x.channelsLast) { this.set({ ...x, channelsLast: false, matmul: undefined }); return; }
    throw this.fail(`attribute 'perm' = [${perm}]: only NCHW -> NHWC ([0, 2, 3, 1]) and back ([0, 3, 1, 2]) around channel-wise layers are supported`);
  }

  /** LayerNormalization over the channels of a channels-last value (ConvNeXt; exported by opset 17 and later). */
  layerNorm(): void {
    this.known(['axis', 'epsilon', 'stash_type']);
    if (this.node.outputs.slice(1).some((o) => o && this.uses.get(o))) throw this.fail('the mean and inverse standard deviation outputs are not supported');
    const x = this.sym(0);
    const rank = x.shape.length + 1;
    let axis = this.attr<number>('axis', -1);
    if (axis < 0) axis += rank;
    const overChannels = axis === rank - 1 && (x.channelsLast || x.shape.length === 1 || x.squeezed);
    if (!overChannels) throw this.fail(`attribute 'axis' = ${this.attr('axis', -1)}: only a layer norm over channels (the last axis of a channels-last value, after a Transpose) is supported`);
    const C = x.shape[0];
    const scale = this.constant(1), bias = this.node.inputs[2] ? this.constant(2) : undefined;
    if (!scale || scale.data.length !== C || (bias && bias.data.length !== C)) throw this.fail(`scale and bias must be constants of ${C} values`);
    const layer = this.add(tf.layers.layerNormalization({ axis: -1, epsilon: this.attr('epsilon', 1e-5), name: this.layerName() }),
      [tf.tensor1d(Float32Array.from(scale.data)), tf.tensor1d(bias ? Float32Array.from(bias.data) : new Float32Array(C))]);
    this.set({ ...x, t: layer.apply(x.t) as tf.SymbolicTensor, nonNegative: false, matmul: undefined });
  }

  /**
   * GELU as PyTorch exports it, `x * (1 + erf(x / sqrt 2)) * 0.5` (Div, Erf, Add, Mul, Mul): one tfjs
   * `gelu` activation named after the last Mul. Div is supported only as the start of this pattern.
   */
  gelu(): void {
    this.known([]);
    const x = this.sym(0);
    const xName = this.node.inputs[0];
    const near = (t: OnnxTensor | undefined, v: number) => t !== undefined && t.data.length === 1 && Math.abs(t.data[0] - v) < 1e-5 * Math.max(1, Math.abs(v));
    const divisor = this.constant(1);
    const next = (k: number, op: string): number | undefined => {
      const c = this.consumers.get(this.g.nodes[k].outputs[0]) ?? [];
      return c.length === 1 && this.g.nodes[c[0]].opType === op ? c[0] : undefined;
    };
    const constIn = (k: number): OnnxTensor | undefined => {
      for (const name of this.g.nodes[k].inputs) {
        const v = this.values.get(name);
        if (v?.kind === 'const') return v.tensor;
      }
      return undefined;
    };
    const erf = next(this.index, 'Erf');
    const plus = erf === undefined ? undefined : next(erf, 'Add');
    const times = plus === undefined ? undefined : next(plus, 'Mul');
    const half = times === undefined ? undefined : next(times, 'Mul');
    const ok = near(divisor, Math.SQRT2) && plus !== undefined && near(constIn(plus), 1) && times !== undefined && this.g.nodes[times].inputs.includes(xName)
      && half !== undefined && near(constIn(half), 0.5);
    if (!ok) throw this.fail('Div is supported only as the start of GELU, x * (1 + erf(x / sqrt(2))) * 0.5, as torch.onnx.export writes nn.GELU()');
    const last = this.g.nodes[half!];
    for (const k of [erf!, plus!, times!, half!]) this.fused.add(k);
    const layer = this.add(tf.layers.activation({ activation: 'gelu', name: onnxLayerName(last.name, last.opType, half!) }));
    this.values.set(last.outputs[0], { ...x, t: layer.apply(x.t) as tf.SymbolicTensor, nonNegative: false, matmul: undefined });
  }

  /** ReduceMean over the two spatial axes (`x.mean((2, 3))`, with or without keepdim): a global average pool. */
  reduceMean(): void {
    this.known(['axes', 'keepdims']);
    const x = this.sym(0);
    const given = this.node.inputs[1] ? Array.from(this.constant(1)!.data) : this.attr<number[]>('axes', []); // an input from opset 18
    const axes = given.map((ax) => (ax < 0 ? ax + 4 : ax)).sort();
    if (x.shape.length !== 3 || axes.join() !== '2,3') throw this.fail(`axes [${given}]: only the mean over the spatial axes [2, 3] of a 4-D value is supported`);
    this.globalAveragePool();
  }

  padOp(): void {
    this.known(['mode', 'pads', 'value']);
    const mode = this.attr('mode', 'constant');
    if (mode !== 'constant') throw this.fail(`attribute 'mode' = '${mode}': only constant (zero) padding is supported`);
    const x = this.spatial(this.sym(0));
    const padsT = this.node.inputs[1] ? this.constant(1) : undefined;
    const pads = padsT ? Array.from(padsT.data) : this.attr<number[]>('pads', []);
    const value = this.node.inputs[2] ? this.constant(2)?.data[0] ?? 0 : this.attr('value', 0);
    if (value !== 0) throw this.fail(`padding value ${value}: only zero padding is supported`);
    // [n, c, h, w] begins then ends
    if (pads.length !== 8 || pads[0] || pads[1] || pads[4] || pads[5]) throw this.fail(`pads [${pads.join(', ')}]: only padding of the height and width axes is supported`);
    const [t, l, b, r] = [pads[2], pads[3], pads[6], pads[7]];
    if ([t, l, b, r].some((p) => p < 0)) throw this.fail(`pads [${pads.join(', ')}]: negative padding is not supported`);
    const layer = this.add(tf.layers.zeroPadding2d({ padding: [[t, b], [l, r]], name: this.layerName() }));
    const [c, h, w] = x.shape;
    this.set({ ...x, t: layer.apply(x.t) as tf.SymbolicTensor, shape: [c, h + t + b, w + l + r], matmul: undefined });
  }

  passThrough(): void {
    this.known(this.node.opType === 'Dropout' ? ['ratio', 'seed', 'is_test'] : []);
    if (this.node.outputs.length > 1 && this.node.outputs[1] && this.uses.get(this.node.outputs[1])) throw this.fail('the mask output is not supported');
    this.set(this.input(0));
  }

  softmax(): void {
    this.known(['axis']);
    const x = this.sym(0);
    const rank = x.shape.length + 1;
    let axis = this.attr('axis', this.g.opset >= 13 ? -1 : 1);
    if (axis < 0) axis += rank;
    if (rank !== 2 || axis !== 1) throw this.fail(`softmax over axis ${this.attr('axis', -1)} of a rank-${rank} value: only class scores [n, classes] are supported`);
    const layer = this.add(tf.layers.softmax({ axis: -1, name: this.layerName() }));
    this.set({ ...x, t: layer.apply(x.t) as tf.SymbolicTensor, nonNegative: true, matmul: undefined });
  }

  constantOp(): void {
    const v = this.node.attributes.get('value');
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw this.fail(`only the 'value' (tensor) attribute is supported`);
    this.set({ kind: 'const', tensor: v as OnnxTensor });
  }
}

/**
 * A grouped convolution's weights `[O, I, k]` (I input channels per group, `k` = kernel cells) as an
 * ordinary convolution's `[O, I * group, k]`: output channel o reads only its group's input channels,
 * zero weights elsewhere.
 */
export function blockDiagonal(w: ArrayLike<number>, O: number, I: number, group: number, k: number): Float32Array {
  const C = I * group, perGroup = O / group;
  const out = new Float32Array(O * C * k);
  for (let o = 0; o < O; o++) {
    const first = Math.floor(o / perGroup) * I;
    for (let i = 0; i < I; i++) {
      for (let j = 0; j < k; j++) out[(o * C + first + i) * k + j] = w[(o * I + i) * k + j];
    }
  }
  return out;
}

/**
 * The output size of a pooling with `ceil_mode=1`, PyTorch's rule: round up, then drop the last
 * window if it would start in the end padding (at or after `size + begin`).
 */
export function ceilModeSize(size: number, k: number, s: number, begin: number, end: number): number {
  let out = Math.ceil((size + begin + end - k) / s) + 1;
  if ((out - 1) * s >= size + begin) out -= 1;
  return out;
}

const OPS: Record<string, (this: Converter) => void> = {
  Conv() { this.conv(); },
  BatchNormalization() { this.batchNorm(); },
  Relu() { this.relu(); },
  Clip() { this.clip(); },
  MaxPool() { this.pool('max'); },
  AveragePool() { this.pool('avg'); },
  GlobalAveragePool() { this.globalAveragePool(); },
  Add() { this.addOp(); },
  Gemm() { this.gemm(); },
  MatMul() { this.matmul(); },
  Flatten() { this.flatten(); },
  Reshape() { this.reshape(); },
  Concat() { this.concat(); },
  Pad() { this.padOp(); },
  Dropout() { this.passThrough(); },
  Identity() { this.passThrough(); },
  Softmax() { this.softmax(); },
  Sigmoid() { this.sigmoid(); },
  HardSigmoid() { this.hardSigmoid(); },
  HardSwish() { this.hardSwish(); },
  Mul() { this.mul(); },
  ReduceMean() { this.reduceMean(); },
  Transpose() { this.transpose(); },
  LayerNormalization() { this.layerNorm(); },
  Div() { this.gelu(); },
  Constant() { this.constantOp(); },
};

/** The ops that accept a channels-last value (see the `channelsLast` field of a value). */
const CHANNELS_LAST_OPS: readonly string[] = ['Transpose', 'LayerNormalization', 'MatMul', 'Add', 'Mul', 'Div', 'Identity', 'Dropout'];

/** The ONNX ops {@link onnxToLayersModel} converts. */
export const SUPPORTED_ONNX_OPS: readonly string[] = Object.keys(OPS).sort();

/**
 * Builds a tfjs LayersModel computing the same function as a decoded ONNX graph, on NHWC input.
 * @param graph from {@link decodeOnnx}
 * @returns a functional model, input `[n, height, width, channels]`, output `[n, classes]`; its
 *   layers are named after the ONNX nodes ({@link onnxLayerName})
 * @throws naming the node, op and attribute of anything outside the supported op set
 */
export function onnxToLayersModel(graph: OnnxGraph, options: OnnxConvertOptions = {}): tf.LayersModel {
  const where = options.where ?? graph.source;
  const name = onnxLayerName(options.name ?? graph.graphName, 'onnx-model') || 'onnx-model';
  return new Converter(graph, where).model(options.inputShape, name);
}
