/**
 * The reference path of channel ablation (docs/method.md, "Evaluation"): run the full model with the
 * output of layer L multiplied by a channel mask, by executing the model's graph node by node
 * (the same walk as tfjs's own `Container` execution) and masking L's output wherever it is used.
 * Works for sequential and functional graphs (residual branches). Slow - it re-runs everything
 * before L for every mask - and used to check the fast split-and-head path and as the naive
 * baseline of the benchmark.
 */
import * as tf from '@tensorflow/tfjs';
import type { IndexedImages } from './images';
import { channelMask } from '../core/mask';
import { scoreLogits } from '../core/metrics';
import type { MaskEvaluator, MaskPairs } from '../core/scorer';

/** The graph internals of a tfjs LayersModel used here (public fields of its `Container`). */
interface GraphNode {
  outboundLayer: tf.layers.Layer;
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
  callArgs?: Record<string, unknown>;
}
interface GraphModel { nodesByDepth: Record<string, GraphNode[]>; inputs: tf.SymbolicTensor[]; outputs: tf.SymbolicTensor[] }

/**
 * The layer of that name.
 * @param model the model
 * @param layerName the layer's name
 * @throws listing the model's layer names if there is no such layer
 */
export function findLayer(model: tf.LayersModel, layerName: string): tf.layers.Layer {
  const layer = model.layers.find((l) => l.name === layerName);
  if (!layer) throw new Error(`unknown layer '${layerName}' in model '${model.name}'; valid layers: ${model.layers.map((l) => l.name).join(', ')}`);
  return layer;
}

/**
 * Output channels F of a layer (the last dimension of its output).
 * @throws if the layer is unknown (listing valid layers) or has several or unknown-size outputs
 */
export function layerChannelCount(model: tf.LayersModel, layerName: string): number {
  const layer = findLayer(model, layerName);
  const shape = layer.outputShape;
  if (!Array.isArray(shape) || Array.isArray(shape[0])) throw new Error(`layer '${layerName}' has several outputs; channel ablation needs one`);
  const f = (shape as (number | null)[])[shape.length - 1];
  if (!(typeof f === 'number' && f > 0)) throw new Error(`layer '${layerName}' has no known channel count (output shape ${JSON.stringify(shape)})`);
  return f;
}

/**
 * Runs `model` on `images` with the output of `layerName` multiplied by `mask`.
 * @param model the full model (inference mode: batch norm uses its moving statistics)
 * @param layerName the layer whose output channels are masked
 * @param mask `[F]` (one mask for every image) or `[batch, F]` (one per image)
 * @param images the input batch
 * @returns the model's output (logits for filtermine's models); the caller disposes it
 * @throws if the layer is unknown (listing valid layers), the mask size is not F, or the model's
 *   graph cannot be walked (nested models, multiple inputs)
 */
export function runWithMask(model: tf.LayersModel, layerName: string, mask: tf.Tensor, images: tf.Tensor): tf.Tensor {
  const target = findLayer(model, layerName);
  const F = layerChannelCount(model, layerName);
  if (mask.shape[mask.shape.length - 1] !== F || mask.rank > 2) {
    throw new Error(`mask of shape [${mask.shape}] does not fit layer '${layerName}' with ${F} channels (expected [${F}] or [batch, ${F}])`);
  }
  const graph = model as unknown as GraphModel;
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) throw new Error(`runWithMask: model '${model.name}' must have one input and one output`);
  return tf.tidy(() => {
    const values = new Map<number, tf.Tensor>([[graph.inputs[0].id, images]]);
    const depths = Object.keys(graph.nodesByDepth).map(Number).sort((a, b) => b - a);
    for (const depth of depths) {
      for (const node of graph.nodesByDepth[depth]) {
        if (node.inputTensors.length === 0) continue; // the input layer's own node
        const inputs = node.inputTensors.map((t) => values.get(t.id));
        if (inputs.some((t) => t === undefined)) continue; // a branch not reached from the input
        const kwargs = { ...(node.callArgs ?? {}), training: false };
        let out = node.outboundLayer.call(inputs.length === 1 ? inputs[0]! : inputs as tf.Tensor[], kwargs);
        let outs = Array.isArray(out) ? out : [out];
        if (node.outboundLayer === target) {
          const y = outs[0];
          const m = mask.rank === 1 ? mask : mask.reshape([mask.shape[0], ...Array(y.rank - 2).fill(1), F]);
          outs = [tf.mul(y, m)];
          out = outs[0];
        }
        node.outputTensors.forEach((t, i) => values.set(t.id, outs[i]));
      }
    }
    const result = values.get(graph.outputs[0].id);
    if (!result) throw new Error(`runWithMask: could not compute the output of model '${model.name}'`);
    return result;
  });
}

/**
 * Logits of `model` on `images` with `channels` of `layerName` zeroed (the reference path).
 * An empty list ablates nothing.
 * @param model the full model
 * @param layerName the layer to ablate
 * @param channels channel indices to zero
 * @param images the input batch
 * @returns logits; the caller disposes them
 * @throws naming an invalid channel and the layer's channel count, or listing valid layers
 * @example const logits = predictWithChannelMask(model, 'block3_conv2', [3, 17], images);
 */
export function predictWithChannelMask(model: tf.LayersModel, layerName: string, channels: ArrayLike<number>, images: tf.Tensor): tf.Tensor {
  const F = layerChannelCount(model, layerName);
  const mask = channelMask(channels, F, { layerName: `layer '${layerName}'` });
  return tf.tidy(() => runWithMask(model, layerName, tf.tensor1d(mask), images));
}

/** Options of {@link createFullModelEvaluator}. */
export interface FullModelEvaluatorOptions {
  /** Images per forward pass. Default 256. */
  batchSize?: number;
}

/**
 * The naive {@link MaskEvaluator}: for every mask, re-runs the whole model on that mask's images.
 * The benchmark's baseline; results equal the fast head evaluator's.
 * @param model the full model
 * @param layerName the layer to ablate
 * @param images the images
 * @param labels true class per image
 * @param options see {@link FullModelEvaluatorOptions}
 * @throws listing valid layers if the layer is unknown
 */
export function createFullModelEvaluator(model: tf.LayersModel, layerName: string, images: IndexedImages,
  labels: ArrayLike<number>, options: FullModelEvaluatorOptions = {}): MaskEvaluator {
  const batchSize = options.batchSize ?? 256;
  const F = layerChannelCount(model, layerName);
  const out = model.outputs[0].shape;
  const numClasses = out[out.length - 1] as number;
  if (labels.length !== images.n) throw new Error(`createFullModelEvaluator: ${labels.length} labels for ${images.n} images`);
  return {
    layerName, channelCount: F, numClasses, numImages: images.n, labels,
    async evaluate(masks: Float32Array, pairs: MaskPairs) {
      const correct = new Uint8Array(pairs.mask.length), trueProb = new Float32Array(pairs.mask.length);
      const byRow = new Map<number, number[]>();
      pairs.mask.forEach((row, t) => { const l = byRow.get(row) ?? []; l.push(t); byRow.set(row, l); });
      for (const [row, ts] of byRow) {
        const m = tf.tensor1d(masks.subarray(row * F, (row + 1) * F));
        for (let s = 0; s < ts.length; s += batchSize) {
          const part = ts.slice(s, s + batchSize);
          const imgs = part.map((t) => pairs.image[t]);
          const x = images.take(imgs);
          const logits = runWithMask(model, layerName, m, x);
          const data = await logits.data();
          tf.dispose([x, logits]);
          const sc = scoreLogits(data, numClasses, imgs.map((i) => labels[i]));
          part.forEach((t, j) => { correct[t] = sc.correct[j]; trueProb[t] = sc.trueProb[j]; });
        }
        m.dispose();
      }
      return { correct, trueProb };
    },
  };
}
