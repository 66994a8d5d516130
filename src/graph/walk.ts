/**
 * Internal helpers for graph surgery on tf.js LayersModels: a topological walk of a model's nodes,
 * and a record of layers re-applied to new symbolic inputs (so that it can be undone).
 */
import * as tf from '@tensorflow/tfjs';

export type SymbolicTensor = tf.SymbolicTensor;
export type Layer = tf.layers.Layer;
export type LayerNode = Layer['inboundNodes'][number];

/** The nodes of one model, in topological order. */
export interface ModelGraph {
  /** Nodes reachable backwards from the model outputs, in topological order (inputs first). */
  nodes: LayerNode[];
  /** Every tensor produced by those nodes, in topological order. */
  tensorsInOrder: SymbolicTensor[];
  /** The node of this model that produces `t`. */
  producer(t: SymbolicTensor): LayerNode;
  /** The nodes of this model that consume `t`. */
  consumers(t: SymbolicTensor): LayerNode[];
}

/**
 * Walks a model from its outputs. Uses each tensor's own node index, so nodes that other models
 * (e.g. live splits) added to shared layers are ignored.
 */
export function modelGraph(model: tf.LayersModel): ModelGraph {
  const producer = (t: SymbolicTensor): LayerNode => t.sourceLayer.inboundNodes[t.nodeIndex];
  const order: LayerNode[] = [];
  const seen = new Set<number>();
  // Iterative post-order DFS (ResNet-size graphs are deep enough to make recursion a risk).
  const stack: Array<{ node: LayerNode; expanded: boolean }> = model.outputs.map((t) => ({ node: producer(t), expanded: false }));
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (seen.has(top.node.id)) { stack.pop(); continue; }
    if (top.expanded || isInputNode(top.node)) {
      stack.pop();
      seen.add(top.node.id);
      order.push(top.node);
      continue;
    }
    top.expanded = true;
    for (const t of [...top.node.inputTensors].reverse()) {
      const p = producer(t);
      if (!seen.has(p.id)) stack.push({ node: p, expanded: false });
    }
  }
  const consumerMap = new Map<number, LayerNode[]>();
  for (const n of order) {
    if (isInputNode(n)) continue;
    for (const t of n.inputTensors) {
      const list = consumerMap.get(t.id) ?? [];
      if (!list.includes(n)) list.push(n);
      consumerMap.set(t.id, list);
    }
  }
  const tensorsInOrder = order.flatMap((n) => n.outputTensors);
  return { nodes: order, tensorsInOrder, producer, consumers: (t) => consumerMap.get(t.id) ?? [] };
}

/** True for the node of an InputLayer. */
export function isInputNode(n: LayerNode): boolean {
  return n.inboundLayers.length === 0;
}

/**
 * Re-applies layers of an existing model to new symbolic tensors and remembers what that changed
 * in the shared layers, so that {@link Reapplier.undo} can restore them.
 */
export class Reapplier {
  private readonly created: LayerNode[] = [];
  private readonly applied: Layer[] = [];

  /** `layer.apply(inputs, callArgs)` on symbolic tensors, recorded. */
  apply(layer: Layer, inputs: SymbolicTensor[], callArgs: tf.serialization.ConfigDict | undefined): SymbolicTensor[] {
    const before = layer.inboundNodes.length;
    const outs = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { ...(callArgs ?? {}) });
    this.created.push(...layer.inboundNodes.slice(before));
    this.applied.push(layer);
    return (Array.isArray(outs) ? outs : [outs]) as SymbolicTensor[];
  }

  /**
   * Undoes the applications: removes the graph nodes added to the shared layers (so that
   * `layer.output` of a single-use layer works again; executors look nodes up by tensor id, so
   * other live graphs are not disturbed) and the reference counts apply() added (Layer.dispose()
   * removes one and frees the weights only when none is left, so the original model keeps them).
   */
  undo(): void {
    for (const layer of this.applied) layer.dispose();
    for (const node of this.created) {
      removeFrom(node.outboundLayer.inboundNodes, node);
      for (const l of node.inboundLayers) removeFrom(l.outboundNodes, node);
    }
    this.applied.length = 0;
    this.created.length = 0;
  }
}

function removeFrom<T>(list: T[], item: T): void {
  const i = list.lastIndexOf(item);
  if (i >= 0) list.splice(i, 1);
}
