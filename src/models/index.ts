/** Models: small trainable architectures, VGG16/ResNet50 builders, I/O, training, shipped models. */
export { buildVggSmall, VGG_SMALL_ANALYSIS_LAYER, type VggSmallOptions } from './vgg-small';
export { buildResnetSmall, RESNET_SMALL_ANALYSIS_LAYER, type ResnetSmallOptions } from './resnet-small';
export { buildVggParts, buildResnetParts, PARTS_INPUT_SHAPE, VGG_PARTS_ANALYSIS_LAYER, RESNET_PARTS_ANALYSIS_LAYER, type VggPartsOptions } from './parts-nets';
export { buildVgg16, VGG16_ANALYSIS_LAYER, type Vgg16Options } from './vgg16';
export { buildResnet50, RESNET50_ANALYSIS_LAYER, type Resnet50Options } from './resnet50';
export { registerArchitecture, getArchitecture, listArchitectures, type ArchitectureDef, type ArchitectureBuildOptions } from './registry';
export { layerNames, requireLayer } from './layers';
export { folderIOHandler, saveModel, loadModel, loadModelArtifacts, loadWeightsInto, isUrl, serializeModel, type SaveModelOptions } from './io';
export { accuracyOf, type Accuracy, type ModelCard } from './card';
export { predictClasses, evaluateAccuracy, type PredictOptions } from './evaluate';
export { assembleBatch, oneHot, cosineLearningRate, defaultAugment, type AugmentOptions } from './augment';
export { permutation } from '../util/rng';
export { formatProgress, formatDuration, progressReporter, type ProgressState, type ProgressReporter, type ProgressSink, type ProgressReporterOptions } from '../util/progress';
export { trainModel, makeModelCard, writeModelWithCard, type TrainOptions, type TrainResult, type EpochRecord, type ModelCardInput } from './train';
export { withFastTrainingKernels } from './fast-grads';
export { loadShippedModel, shippedModelDir, shippedModelsDir, readModelCard, MODELS_ENV_VAR, packageRoot, SHIPPED_MODELS, type ShippedModelName, type ShippedModel } from './shipped';
export {
  loadOnnxModel, isOnnxFile, decodeOnnx, encodeOnnx, onnxToLayersModel, onnxLayerName, SUPPORTED_ONNX_OPS,
  type OnnxConvertOptions, type OnnxGraph, type OnnxNode, type OnnxTensor, type OnnxValueInfo, type OnnxAttribute,
} from './onnx';
