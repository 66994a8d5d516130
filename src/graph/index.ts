/** Graph surgery on tf.js LayersModels: the graph-aware split at a named layer. */
export { splitModel, activationsAt, headLogits, spatialLayerNames, type ModelSplit, type SplitOptions, type CutActivations } from './split';
