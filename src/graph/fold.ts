/**
 * Inference-time graph rewrites that remove whole passes over the activations:
 * - batch-norm folding: `Conv2D -> BatchNormalization [-> ReLU]` becomes one convolution with
 *   scaled kernel and shifted bias (and a fused ReLU). In inference mode batch norm is the affine
 *   map `y = (x - mean) * gamma / sqrt(var + eps) + beta` per channel, so
 *   `W' = W * s`, `b' = (b - mean) * s + beta` with `s = gamma / sqrt(var + eps)`;
 * - padding absorption: `ZeroPadding2D -> Conv2D('valid')` becomes one convolution with explicit
 *   padding (ResNet50's stem);
 * - residual joins: `Add -> ReLU` becomes one `relu(a + b)` (no copy of the first input, which
 *   tfjs's Add layer makes, and no separate ReLU pass).
 * On the wasm backend folding removes about a fifth of ResNet50's forward time; with the native
 * addon the padding and join rewrites another tenth. Used for the body of a split, which is never
 * differentiated.
 */
import * as tf from '@tensorflow/tfjs';
import { modelGraph, isInputNode, Reapplier, type LayerNode, type SymbolicTensor, type Layer } from './walk';
import { FoldedConv2D, AddRelu, type ConvPadding } from './fused-layers';

/** A model with folded batch norms; see {@link foldBatchNorm}. */
export interface FoldedModel {
  /** Same inputs and outputs (values equal up to float rounding) as the source model. */
  readonly model: tf.LayersModel;
  /** Names of the batch-norm layers folded into their convolution. */
  readonly folded: readonly string[];
  /** Names of the ReLU layers fused into a folded convolution or a residual join. */
  readonly fusedRelu: readonly string[];
  /** Names of the ZeroPadding2D layers absorbed into the convolution they feed. */
  readonly absorbedPadding: readonly string[];
  /** Names of the Add layers fused with their ReLU. */
  readonly fusedAdd: readonly string[];
  /** Frees the folded convolutions' weights and restores the shared layers. Idempotent. */
  dispose(): void;
}

/**
 * Rebuilds `model` with every foldable `Conv2D -> BatchNormalization` pair folded (a pair is
 * foldable when the convolution is linear, channels-last, and its output feeds only the batch
 * norm, which normalises the channel axis; the following ReLU is fused when it is the batch norm's
 * only consumer). Tensors that are model outputs are never folded away. Other layers are shared
 * with `model` (not copied); folded convolutions get new weights.
 * @param model a built LayersModel in inference use (the result must not be trained)
 * @returns the folded model; `dispose()` it when done (the source model stays intact)
 */
export function foldBatchNorm(model: tf.LayersModel): FoldedModel {
  const graph = modelGraph(model);
  const outputIds = new Set(model.outputs.map((t) => t.id));
  const mapped = new Map<number, SymbolicTensor>();
  const newInputs = model.inputs.map((t) => tf.input({ shape: t.shape.slice(1) as number[], name: `${t.sourceLayer.name}_folded` }));
  model.inputs.forEach((t, i) => mapped.set(t.id, newInputs[i]));
  const reapplier = new Reapplier();
  const owned: Layer[] = [];
  const folded: string[] = [];
  const fusedRelu: string[] = [];
  const absorbedPadding: string[] = [];
  const fusedAdd: string[] = [];
  const skip = new Set<number>(); // nodes absorbed into a folded convolution
  const padFor = new Map<number, [[number, number], [number, number]]>(); // conv node id -> absorbed padding

  const soleConsumer = (t: SymbolicTensor): LayerNode | null => {
    if (outputIds.has(t.id)) return null;
    const cs = graph.consumers(t);
    return cs.length === 1 && cs[0].inputTensors.length === 1 ? cs[0] : null;
  };

  for (const node of graph.nodes) {
    if (isInputNode(node) || skip.has(node.id)) continue;
    const layer = node.outboundLayer;
    const inputs = node.inputTensors.map((t) => mapped.get(t.id) as SymbolicTensor);

    // ZeroPadding2D -> Conv2D('valid'): the convolution pads instead.
    const padding = zeroPadding(layer);
    if (padding && node.outputTensors.length === 1) {
      const convNode = soleConsumer(node.outputTensors[0]);
      if (convNode && isFusableValidConv(convNode.outboundLayer)) {
        padFor.set(convNode.id, padding);
        mapped.set(node.outputTensors[0].id, inputs[0]);
        absorbedPadding.push(layer.name);
        continue;
      }
    }

    // Add -> ReLU: one relu(a + b).
    if (layer.getClassName() === 'Add' && node.inputTensors.length === 2 && node.outputTensors.length === 1) {
      const reluNode = soleConsumer(node.outputTensors[0]);
      if (reluNode && isRelu(reluNode.outboundLayer)) {
        const join = new AddRelu(`${layer.name}_relu_fused`);
        owned.push(join);
        const out = join.apply(inputs) as SymbolicTensor;
        skip.add(reluNode.id);
        fusedAdd.push(layer.name);
        fusedRelu.push(reluNode.outboundLayer.name);
        mapped.set(reluNode.outputTensors[0].id, out);
        continue;
      }
    }

    const pad = padFor.get(node.id);
    const bnNode = isLinearConv(layer) && node.outputTensors.length === 1 ? soleConsumer(node.outputTensors[0]) : null;
    if (bnNode && isChannelBatchNorm(bnNode.outboundLayer)) {
      const bnOut = bnNode.outputTensors[0];
      const reluNode = soleConsumer(bnOut);
      const withRelu = reluNode != null && isRelu(reluNode.outboundLayer);
      const conv = foldedConv(layer, bnNode.outboundLayer, withRelu, pad);
      owned.push(conv);
      const out = conv.apply(inputs[0]) as SymbolicTensor;
      skip.add(bnNode.id);
      folded.push(bnNode.outboundLayer.name);
      if (withRelu && reluNode) {
        skip.add(reluNode.id);
        fusedRelu.push(reluNode.outboundLayer.name);
        mapped.set(reluNode.outputTensors[0].id, out);
      } else {
        mapped.set(bnOut.id, out);
      }
      continue;
    }
    if (pad) {
      // A padded convolution without batch norm: its own weights and activation, explicit padding.
      const conv = foldedConv(layer, null, false, pad);
      owned.push(conv);
      mapped.set(node.outputTensors[0].id, conv.apply(inputs[0]) as SymbolicTensor);
      continue;
    }
    const outs = reapplier.apply(layer, inputs, node.callArgs);
    node.outputTensors.forEach((t, i) => mapped.set(t.id, outs[i]));
  }
  const folded_ = tf.model({ inputs: newInputs, outputs: model.outputs.map((t) => mapped.get(t.id) as SymbolicTensor), name: `${model.name}_folded` });
  let disposed = false;
  return {
    model: folded_,
    folded,
    fusedRelu,
    absorbedPadding,
    fusedAdd,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const l of owned) l.dispose();
      reapplier.undo();
    },
  };
}

function isLinearConv(layer: Layer): boolean {
  if (layer.getClassName() !== 'Conv2D') return false;
  const c = layer.getConfig() as { activation?: unknown; dataFormat?: unknown };
  return c.activation === 'linear' && (c.dataFormat == null || c.dataFormat === 'channelsLast');
}

function isChannelBatchNorm(layer: Layer): boolean {
  if (layer.getClassName() !== 'BatchNormalization') return false;
  const axis = (layer.getConfig() as { axis?: unknown }).axis;
  return axis === -1 || axis === 3;
}

function isRelu(layer: Layer): boolean {
  const c = layer.getConfig() as { activation?: unknown };
  return (layer.getClassName() === 'Activation' && c.activation === 'relu') || (layer.getClassName() === 'ReLU' && (c as { maxValue?: unknown }).maxValue == null);
}

/** `[[top, bottom], [left, right]]` of a channels-last ZeroPadding2D, else null. */
function zeroPadding(layer: Layer): [[number, number], [number, number]] | null {
  if (layer.getClassName() !== 'ZeroPadding2D') return null;
  const c = layer.getConfig() as { padding?: unknown; dataFormat?: unknown };
  if (c.dataFormat != null && c.dataFormat !== 'channelsLast') return null;
  const p = c.padding as number[][];
  return Array.isArray(p) && p.length === 2 && p.every((r) => Array.isArray(r) && r.length === 2) ? [[p[0][0], p[0][1]], [p[1][0], p[1][1]]] : null;
}

/** A channels-last Conv2D with 'valid' padding and a linear or ReLU activation. */
function isFusableValidConv(layer: Layer): boolean {
  if (layer.getClassName() !== 'Conv2D') return false;
  const c = layer.getConfig() as { activation?: unknown; dataFormat?: unknown; padding?: unknown };
  return c.padding === 'valid' && (c.activation === 'linear' || c.activation === 'relu') && (c.dataFormat == null || c.dataFormat === 'channelsLast');
}

const pair = (v: number | number[]): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v]);

/**
 * One fused convolution computing `act(BN(conv(pad(x))))`: `bn` null keeps the convolution's own
 * weights and activation; `pad` replaces its 'valid' padding with explicit padding.
 */
function foldedConv(conv: Layer, bn: Layer | null, relu: boolean, pad: [[number, number], [number, number]] | undefined): FoldedConv2D {
  const c = conv.getConfig() as { kernelSize: number[]; strides: number[]; padding: 'valid' | 'same'; dilationRate: number | number[]; useBias: boolean; activation: string };
  const [kernel, bias] = tf.tidy(() => {
    const convW = conv.getWeights();
    const outChannels = convW[0].shape[3] as number;
    const b0 = c.useBias ? convW[1] : tf.zeros([outChannels]);
    if (!bn) return [tf.clone(convW[0]), tf.clone(b0)];
    const b = bn.getConfig() as { epsilon: number; center: boolean; scale: boolean };
    const bnW = bn.getWeights(); // [gamma?] [beta?] movingMean movingVariance
    let i = 0;
    const gamma = b.scale ? bnW[i++] : tf.onesLike(bnW[bnW.length - 2]);
    const beta = b.center ? bnW[i++] : tf.zerosLike(bnW[bnW.length - 2]);
    const mean = bnW[i++];
    const variance = bnW[i++];
    const s = tf.div(gamma, tf.sqrt(tf.add(variance, b.epsilon)));
    const w = tf.mul(convW[0], s); // broadcasts over the output-channel (last) axis
    return [w, tf.add(tf.mul(tf.sub(b0, mean), s), beta)];
  });
  const padding: ConvPadding = pad ?? c.padding;
  const activation = bn ? (relu ? 'relu' : 'linear') : (c.activation === 'relu' ? 'relu' : 'linear');
  return new FoldedConv2D(kernel as tf.Tensor4D, bias as tf.Tensor1D, {
    name: `${conv.name}_${bn ? 'bnfolded' : 'padded'}`, strides: pair(c.strides), dilations: pair(c.dilationRate),
    padding, activation,
  });
}
