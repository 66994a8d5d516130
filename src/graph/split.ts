/**
 * Graph-aware split of a tf.js LayersModel at a named layer (docs/method.md, Pipeline step 1: the Grad-CAM layer
 * `L`, e.g. VGG16 `block5_pool` or ResNet50 `conv5_block3_out`).
 *
 * `body` maps the model input to the activation `A` of layer `L` plus every tensor that is computed
 * before the cut and consumed after it (e.g. the shortcut of a residual block when `L` sits inside
 * the block). `head` maps `[A, ...skips]` to the model's pre-softmax logits. Both reuse the model's
 * layers, so weights are shared, never copied. Works for `tf.Sequential` and functional models.
 */
import * as tf from '@tensorflow/tfjs';

import { foldBatchNorm } from './fold';
import { modelGraph, isInputNode, Reapplier, type ModelGraph, type SymbolicTensor, type Layer, type LayerNode } from './walk';

/** Options of {@link splitModel}. */
export interface SplitOptions {
  /**
   * How to obtain logits from the model output. `'auto'` (default): if the output is produced by a
   * softmax (a Dense layer with softmax activation, as Keras VGG16/ResNet50 `predictions`, or an
   * `Activation`/`Softmax` layer), the head returns the pre-softmax scores instead. `'asIs'`: the head
   * returns the model output unchanged.
   */
  logits?: 'auto' | 'asIs';
  /**
   * Apply the inference rewrites of src/graph/fold.ts (batch norm folded into convolutions, fused
   * ReLUs, absorbed zero padding, fused residual joins) to the body and the head: same activations,
   * logits and input gradients up to float rounding, fewer passes over the data. Default false.
   */
  foldBatchNorm?: boolean;
}

const defaults: Required<SplitOptions> = { logits: 'auto', foldBatchNorm: false };

/** A model cut in two at a 4-D layer; see {@link splitModel}. */
export interface ModelSplit {
  /** The model that was split (not owned: disposing the split does not dispose it). */
  readonly model: tf.LayersModel;
  /** The layer at which the model is cut. */
  readonly layerName: string;
  /** Model input -> `[activation, ...skips]` (always a list, even without skips). */
  readonly body: tf.LayersModel;
  /** `[activation, ...skips]` -> logits `[n, numClasses]`. */
  readonly head: tf.LayersModel;
  /** `[h, w, channels]` of the activation at the cut. */
  readonly activationShape: [number, number, number];
  /** Names of the skip tensors (the layer producing each), in head-input order after the activation. */
  readonly skipNames: readonly string[];
  /** Per-image shapes of the skip tensors. */
  readonly skipShapes: readonly number[][];
  /** `[height, width, channels]` of the model input. */
  readonly inputShape: [number, number, number];
  /** Number of logits. */
  readonly numClasses: number;
  /** True when the model ends in a softmax that the head leaves out. */
  readonly strippedSoftmax: boolean;
  /** True after {@link ModelSplit.dispose}. */
  readonly disposed: boolean;
  /**
   * Releases what the split created (graph nodes attached to the shared layers, layer reference
   * counts); the model and its weights stay intact and usable. Idempotent.
   */
  dispose(): void;
}

/** Activations at the cut: the activation of the layer and the tensors skipping across the cut. */
export interface CutActivations {
  /** `[n, h, w, channels]`. */
  activation: tf.Tensor4D;
  /** In the order of {@link ModelSplit.skipNames}. */
  skips: tf.Tensor[];
}

/**
 * Lists the layers of a model at which it can be split: layers with a single 4-D (spatial) output,
 * used once in the model graph, other than input layers; in topological order.
 * @param model a built LayersModel (functional or Sequential)
 * @returns layer names
 */
export function spatialLayerNames(model: tf.LayersModel): string[] {
  return modelGraph(model).nodes
    .filter((n) => isSpatialCandidate(n))
    .map((n) => n.outboundLayer.name)
    .filter((name, i, all) => all.indexOf(name) === i && all.lastIndexOf(name) === i);
}

/**
 * Splits `model` at `layerName` with a graph-aware cut.
 * @param model a built LayersModel with one input and one output
 * @param layerName a layer with a 4-D output (see {@link spatialLayerNames})
 * @param options see {@link SplitOptions}
 * @returns the split; call `dispose()` when done with it
 * @throws {Error} if the layer does not exist or has no 4-D output (the message lists the valid
 *   names), if it is used at several places in the graph, or if the model has several inputs/outputs
 * @example
 * const split = splitModel(vgg16, 'block5_pool');
 * const {activation, skips} = activationsAt(split, images);
 * const logits = headLogits(split, activation, skips);
 */
export function splitModel(model: tf.LayersModel, layerName: string, options: SplitOptions = {}): ModelSplit {
  const opts = { ...defaults, ...options };
  if (opts.logits !== 'auto' && opts.logits !== 'asIs') {
    throw new Error(`splitModel: options.logits must be 'auto' or 'asIs', got ${String(opts.logits)}`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`splitModel: expected a model with one input and one output, got ${model.inputs.length} inputs and ${model.outputs.length} outputs`);
  }
  const graph = modelGraph(model);
  const cutNodes = graph.nodes.filter((n) => n.outboundLayer.name === layerName);
  const valid = () => spatialLayerNames(model).join(', ');
  if (cutNodes.length === 0) {
    throw new Error(`splitModel: model '${model.name}' has no layer named '${layerName}'; layers with a spatial (4-D) output: ${valid()}`);
  }
  if (cutNodes.length > 1) {
    throw new Error(`splitModel: layer '${layerName}' is used ${cutNodes.length} times in model '${model.name}', so the cut is ambiguous; choose one of: ${valid()}`);
  }
  const cutNode = cutNodes[0];
  if (cutNode.outboundLayer.getClassName() === 'InputLayer') {
    throw new Error(`splitModel: layer '${layerName}' is the model's input layer, which has no filters to explain; ` +
      `expected a layer inside the network with a spatial output: ${valid()}`);
  }
  if (!isSpatialCandidate(cutNode)) {
    const shape = cutNode.outputTensors.map((t) => JSON.stringify(t.shape)).join(', ');
    throw new Error(`splitModel: layer '${layerName}' has output shape ${shape}, not a spatial (4-D) one; layers with a spatial output: ${valid()}`);
  }
  const cut = cutNode.outputTensors[0];

  // Which tensors depend on the cut (are computed by the head)? Nodes are in topological order.
  const dependsOnCut = new Set<number>([cut.id]);
  for (const n of graph.nodes) {
    if (n === cutNode || isInputNode(n)) continue;
    if (n.inputTensors.some((t) => dependsOnCut.has(t.id))) n.outputTensors.forEach((t) => dependsOnCut.add(t.id));
  }
  const output = model.outputs[0];
  if (!dependsOnCut.has(output.id)) {
    throw new Error(`splitModel: the output of model '${model.name}' does not depend on layer '${layerName}'`);
  }

  // Pre-softmax logits: decide which tensor the head must reproduce and with which final layer.
  const outNode = graph.producer(output);
  const softmax = opts.logits === 'auto' ? softmaxKind(outNode.outboundLayer) : 'none';
  const headTarget = softmax === 'none' ? output : outNode.inputTensors[0];
  if (softmax !== 'none' && !dependsOnCut.has(headTarget.id)) {
    throw new Error(`splitModel: the logits of model '${model.name}' do not depend on layer '${layerName}'`);
  }

  // Skips: tensors not depending on the cut, consumed by a node that does (and that the head needs).
  const needed = ancestorsUntil(graph, headTarget, cut, dependsOnCut);
  const skipIds = new Set<number>();
  for (const n of graph.nodes) {
    if (!needed.has(n.id)) continue;
    for (const t of n.inputTensors) if (!dependsOnCut.has(t.id)) skipIds.add(t.id);
  }
  const skipTensors = graph.tensorsInOrder.filter((t) => skipIds.has(t.id));

  const plainBody = tf.model({
    inputs: model.inputs,
    outputs: [cut, ...skipTensors],
    name: `${model.name}_body_${layerName}`,
  });
  const folded = opts.foldBatchNorm ? foldBatchNorm(plainBody) : null;
  const body = folded ? folded.model : plainBody;

  // Head: re-apply the layers after the cut to fresh inputs (layers are shared, so are weights).
  const reapplier = new Reapplier();
  const actInput = tf.input({ shape: cut.shape.slice(1) as number[], name: `${layerName}_cut_input` });
  const skipInputs = skipTensors.map((t) => tf.input({ shape: t.shape.slice(1) as number[], name: `${t.sourceLayer.name}_skip_input` }));
  const rebuilt = new Map<number, SymbolicTensor>([[cut.id, actInput]]);
  skipTensors.forEach((t, i) => rebuilt.set(t.id, skipInputs[i]));
  const rebuild = (t: SymbolicTensor): SymbolicTensor => {
    const done = rebuilt.get(t.id);
    if (done) return done;
    const node = graph.producer(t);
    const inputs = node.inputTensors.map(rebuild);
    const outList = reapplier.apply(node.outboundLayer, inputs, node.callArgs);
    node.outputTensors.forEach((o, i) => rebuilt.set(o.id, outList[i]));
    return rebuilt.get(t.id) as SymbolicTensor;
  };
  let headOut = rebuild(headTarget);
  let logitsLayer: Layer | null = null;
  if (softmax === 'dense') {
    logitsLayer = new PreSoftmaxDense(outNode.outboundLayer);
    headOut = logitsLayer.apply(headOut) as SymbolicTensor;
  }
  const plainHead = tf.model({
    inputs: [actInput, ...skipInputs],
    outputs: headOut,
    name: `${model.name}_head_${layerName}`,
  });
  // Folding is exact algebra, so the head's gradient with respect to its inputs is unchanged; the
  // folded convolutions take unfused ops under a gradient tape, so no filter gradient is computed.
  const foldedHead = opts.foldBatchNorm ? foldBatchNorm(plainHead) : null;
  const head = foldedHead ? foldedHead.model : plainHead;

  const inShape = model.inputs[0].shape;
  let disposed = false;
  return {
    model,
    layerName,
    body,
    head,
    activationShape: cut.shape.slice(1) as [number, number, number],
    skipNames: skipTensors.map((t) => t.sourceLayer.name),
    skipShapes: skipTensors.map((t) => t.shape.slice(1) as number[]),
    inputShape: inShape.slice(1) as [number, number, number],
    numClasses: headOut.shape[headOut.shape.length - 1] as number,
    strippedSoftmax: softmax !== 'none',
    get disposed() { return disposed; },
    dispose() {
      if (disposed) return;
      disposed = true;
      foldedHead?.dispose();
      reapplier.undo(); // restores the shared layers (see Reapplier.undo)
      folded?.dispose();
    },
  };
}

/**
 * Runs the body in inference mode.
 * @param split a live split
 * @param x images `[n, H, W, C]` matching the model input
 * @returns the activation at the cut and the skip tensors (caller disposes)
 * @throws {Error} if the split was disposed or `x` has the wrong shape
 */
export function activationsAt(split: ModelSplit, x: tf.Tensor4D): CutActivations {
  assertLive(split, 'activationsAt');
  const [h, w, c] = split.inputShape;
  if (x.rank !== 4 || (h != null && x.shape[1] !== h) || (w != null && x.shape[2] !== w) || (c != null && x.shape[3] !== c)) {
    throw new Error(`activationsAt: images have shape [${x.shape}], expected [n, ${h}, ${w}, ${c}]`);
  }
  const outs = split.body.apply(x, { training: false }) as tf.Tensor[];
  const list = Array.isArray(outs) ? outs : [outs];
  return { activation: list[0] as tf.Tensor4D, skips: list.slice(1) };
}

/**
 * Runs the head in inference mode: logits from (possibly modified) cut activations.
 * @param split a live split
 * @param activation `[n, h, w, channels]` (e.g. with some channels zeroed)
 * @param skips the skip tensors from {@link activationsAt}, same batch size
 * @returns logits `[n, numClasses]` (caller disposes)
 * @throws {Error} if the split was disposed or the number of skips is wrong
 */
export function headLogits(split: ModelSplit, activation: tf.Tensor4D, skips: readonly tf.Tensor[] = []): tf.Tensor2D {
  assertLive(split, 'headLogits');
  if (skips.length !== split.skipNames.length) {
    throw new Error(`headLogits: split at '${split.layerName}' needs ${split.skipNames.length} skip tensor(s) (${split.skipNames.join(', ')}), got ${skips.length}`);
  }
  const inputs = [activation, ...skips];
  return split.head.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tf.Tensor2D;
}

/**
 * A Dense layer's affine map without its activation, sharing the Dense layer's variables; used to
 * return pre-softmax logits from a model whose last layer is `Dense(activation='softmax')`.
 */
class PreSoftmaxDense extends tf.layers.Layer {
  static readonly className = 'FilterminePreSoftmaxDense';
  private readonly dense: Layer;

  constructor(dense: Layer) {
    super({ name: `${dense.name}_presoftmax`, trainable: false });
    this.dense = dense;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return this.dense.computeOutputShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const vars = this.dense.weights.map((w) => w.read());
      const kernel = vars.find((v) => v.rank === 2) as tf.Tensor2D;
      const bias = vars.find((v) => v.rank === 1);
      const units = kernel.shape[1];
      const flat = x.rank === 2 ? x as tf.Tensor2D : tf.reshape(x, [-1, kernel.shape[0]]) as tf.Tensor2D;
      let y: tf.Tensor = tf.matMul(flat, kernel);
      if (bias) y = tf.add(y, bias);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), units]);
    });
  }

  override getClassName(): string {
    return PreSoftmaxDense.className;
  }
}

/** Node ids needed to compute `target` from the cut: ancestors through tensors that depend on the cut. */
function ancestorsUntil(graph: ModelGraph, target: SymbolicTensor, cut: SymbolicTensor, dependsOnCut: Set<number>): Set<number> {
  const needed = new Set<number>();
  const stack = [target];
  while (stack.length) {
    const t = stack.pop() as SymbolicTensor;
    if (t.id === cut.id || !dependsOnCut.has(t.id)) continue; // head inputs: nothing to compute
    const n = graph.producer(t);
    if (needed.has(n.id)) continue;
    needed.add(n.id);
    stack.push(...n.inputTensors);
  }
  return needed;
}

function isSpatialCandidate(n: LayerNode): boolean {
  return !isInputNode(n) && n.outputTensors.length === 1 && n.outputTensors[0].shape.length === 4;
}

/**
 * The name of the layer that applies a softmax at the model's output (a Dense layer with softmax
 * activation, or an Activation/Softmax layer), or null when the model outputs logits. A split
 * (and so Grad-CAM and the whole pipeline) explains the logits below such a softmax.
 */
export function softmaxOutputLayer(model: tf.LayersModel): string | null {
  const layer = model.outputs[0].sourceLayer as Layer;
  return softmaxKind(layer) === 'none' ? null : layer.name;
}

function softmaxKind(layer: Layer): 'none' | 'dense' | 'activation' {
  const cls = layer.getClassName();
  const config = layer.getConfig() as { activation?: unknown };
  if (cls === 'Dense' && config.activation === 'softmax') return 'dense';
  if ((cls === 'Activation' && config.activation === 'softmax') || cls === 'Softmax') return 'activation';
  return 'none';
}

function assertLive(split: ModelSplit, fn: string): void {
  if (split.disposed) throw new Error(`${fn}: the split at '${split.layerName}' has been disposed`);
}
