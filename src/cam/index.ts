/** Class activation maps: a registry of CAM methods sharing one pipeline (docs/method.md, Pipeline step 1). */
export type { CamShape, CamWeighting, CamMethodDef } from './types';
export { registerCamMethod, getCamMethod, listCamMethods, unregisterCamMethod, type RegisterCamMethodOptions } from './registry';
export { gradCam, gradCamPlusPlus, xGradCam, layerCam, hiResCam } from './methods';
export { combineCam, camHeatmaps, normaliseMinMax, heatmapDefect, type HeatmapDefect, type CamHeatmap, type CamHeatmapOptions } from './combine';
export { bilinearWeights, bilinearPrefixWeights, upsampleBilinear } from './upsample';
export { predictedClass, classTarget, classTargets, type CamTarget, type CamTargetContext } from './targets';
export {
  explain, computeCamArrays, explanationsFromArrays,
  type ExplainSource, type ExplainOptions, type ExplainResult, type Explanation, type CamArrays, type CamArraysOptions,
} from './explain';
