/** Graph surgery on tf.js LayersModels: the graph-aware split at a named layer, batch-norm folding. */
export { splitModel, activationsAt, headLogits, spatialLayerNames, softmaxOutputLayer, type ModelSplit, type SplitOptions, type CutActivations } from './split';
export { foldBatchNorm, type FoldedModel } from './fold';
