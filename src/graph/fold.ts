/**
 * Inference-time batch-norm folding: `Conv2D -> BatchNormalization [-> ReLU]` becomes one Conv2D
 * with scaled kernel and shifted bias (and a fused ReLU). In inference mode batch norm is the affine
 * map `y = (x - mean) * gamma / sqrt(var + eps) + beta` per channel, so
 * `W' = W * s`, `b' = (b - mean) * s + beta` with `s = gamma / sqrt(var + eps)`.
 * On the wasm backend this removes the separate FusedBatchNorm and Relu passes (about a fifth of
 * ResNet50's forward time). Used for the body of a split, which is never differentiated.
 */
import * as tf from '@tensorflow/tfjs';
import { modelGraph, isInputNode, Reapplier, type LayerNode, type SymbolicTensor, type Layer } from './walk';

/** A model with folded batch norms; see {@link foldBatchNorm}. */
export interface FoldedModel {
  /** Same inputs and outputs (values equal up to float rounding) as the source model. */
  readonly model: tf.LayersModel;
  /** Names of the batch-norm layers folded into their convolution. */
  readonly folded: readonly string[];
  /** Names of the ReLU layers fused into a folded convolution. */
  readonly fusedRelu: readonly string[];
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
  const skip = new Set<number>(); // nodes absorbed into a folded convolution

  const soleConsumer = (t: SymbolicTensor): LayerNode | null => {
    if (outputIds.has(t.id)) return null;
    const cs = graph.consumers(t);
    return cs.length === 1 && cs[0].inputTensors.length === 1 ? cs[0] : null;
  };

  for (const node of graph.nodes) {
    if (isInputNode(node) || skip.has(node.id)) continue;
    const layer = node.outboundLayer;
    const inputs = node.inputTensors.map((t) => mapped.get(t.id) as SymbolicTensor);
    const bnNode = isLinearConv(layer) && node.outputTensors.length === 1 ? soleConsumer(node.outputTensors[0]) : null;
    if (bnNode && isChannelBatchNorm(bnNode.outboundLayer)) {
      const bnOut = bnNode.outputTensors[0];
      const reluNode = soleConsumer(bnOut);
      const withRelu = reluNode != null && isRelu(reluNode.outboundLayer);
      const conv = foldedConv(layer, bnNode.outboundLayer, withRelu);
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
    const outs = reapplier.apply(layer, inputs, node.callArgs);
    node.outputTensors.forEach((t, i) => mapped.set(t.id, outs[i]));
  }
  const folded_ = tf.model({ inputs: newInputs, outputs: model.outputs.map((t) => mapped.get(t.id) as SymbolicTensor), name: `${model.name}_folded` });
  let disposed = false;
  return {
    model: folded_,
    folded,
    fusedRelu,
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

/** A new Conv2D computing `relu?(BN(conv(x)))` in one op. */
function foldedConv(conv: Layer, bn: Layer, relu: boolean): Layer {
  const c = conv.getConfig() as { filters: number; kernelSize: number[]; strides: number[]; padding: 'valid' | 'same'; dilationRate: number | number[]; useBias: boolean };
  const b = bn.getConfig() as { epsilon: number; center: boolean; scale: boolean };
  const fused = tf.layers.conv2d({
    filters: c.filters, kernelSize: c.kernelSize, strides: c.strides, padding: c.padding, dilationRate: c.dilationRate as [number, number],
    useBias: true, activation: relu ? 'relu' : 'linear', name: `${conv.name}_bnfolded`, trainable: false,
  });
  const [kernel, bias] = tf.tidy(() => {
    const convW = conv.getWeights();
    const bnW = bn.getWeights(); // [gamma?] [beta?] movingMean movingVariance
    let i = 0;
    const gamma = b.scale ? bnW[i++] : tf.onesLike(bnW[bnW.length - 2]);
    const beta = b.center ? bnW[i++] : tf.zerosLike(bnW[bnW.length - 2]);
    const mean = bnW[i++];
    const variance = bnW[i++];
    const s = tf.div(gamma, tf.sqrt(tf.add(variance, b.epsilon)));
    const w = tf.mul(convW[0], s); // broadcasts over the output-channel (last) axis
    const b0 = c.useBias ? convW[1] : tf.zerosLike(mean);
    return [w, tf.add(tf.mul(tf.sub(b0, mean), s), beta)];
  });
  fused.build([null, null, null, kernel.shape[2] as number]);
  fused.setWeights([kernel, bias]);
  tf.dispose([kernel, bias]);
  return fused;
}
