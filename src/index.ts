/**
 * filtermine: explain what a trained CNN has learned (Meynen, Behzadi-Khormouji, Oramas,
 * "Interpreting Convolutional Neural Networks by Explaining Their Predictions", ICIP 2023).
 *
 * The public API, listed name by name: what notebooks, scripts and other packages may rely on.
 * Internals (pure cores behind these functions, file-format details, test fixtures) stay in their
 * modules; import them from `filtermine/dist/src/<area>/...` only when you accept that they change.
 * The API reference (`npm run docs`, published as `out/api/`) is generated from this list.
 *
 * @packageDocumentation
 */

// Notebook helpers: parameters with a fast mode, the cached pipeline steps, views and value checks.
export {
  notebookParams, isFastMode, FAST_MODE_ENV,
  cachedJson, cacheKey, codeVersion, notebookCacheRoot, type Cached, type CachedJsonOptions,
  loadNotebookModel, loadNotebookData, runExtraction, runStore, runTransactions, mineExtraction, runAblationStudy,
  type LoadNotebookModelOptions, type NotebookModel, type NotebookDataOptions, type ExtractionRequest, type ExtractionRun,
  type MiningRequest, type RunMining, type AblationRequest, type AblationStudy,
  explainImages, samplePatches, type ImageExplanations, type SampledPatches, type SamplePatchesOptions,
  imageStackOf, patchBoxes, largestGroups, classFilterRowsOf, ruleRowsOf, curveRowsOf, describeAblation, describeDrop, perClassTableOf, inPercent,
  type PatchRecord, type GroupRow,
  arraySource, writeImageFolder, writeStandInModel, explainFolderImages, evaluateRun, type FolderExplanations, type EvaluationRow,
  showMarkdown,
  checkRange, checkOursBeatsRandom, type RangeBounds, type AblationDropRow, type OursVsRandomOptions,
  runTuner, type RunTunerParams, withClassNames,
} from './notebook';

// Compute backends.
export {
  selectBackend, describeBackend, activeBackendId, BACKEND_ENV_VAR,
  type BackendName, type BackendInfo, type BackendAttempt,
  registerBackendCandidate, type BackendCandidate, type CandidateLoad,
} from './backend';

// Data: Fashion-MNIST, image folders, preprocessing presets, batches.
export type { ImageSet } from './data/image-set';
export { loadFashionMnist, fashionMnistSearchPath, FASHION_MNIST_CLASSES, type FashionMnistOptions, type Split } from './data/fashion-mnist';
export {
  loadImageFolder, openImageFolder, scanImageFolder, decodeImage, IMAGE_EXTENSIONS, MAX_IMAGE_MEGAPIXELS,
  type ImageFolder, type ImageFolderBatch, type ImageFolderEntry, type ImageFolderOptions, type ImageFolderScan,
  type ImageFolderScanOptions, type LoadedImageFolder, type DecodedImage, type RejectedFile,
  readImageFolderDataset, readClassNames, matchFolderClasses, normaliseClassName, type ImageFolderDataset, type ImageFolderDatasetOptions,
} from './data/image-folder';
export { applyPreset, applyPresetToPixels, unapplyPresetToPixels, displayPixels, getPreset, listPresets, registerPreset, type PreprocessPreset, type PresetLike } from './data/presets';
export { imageBatch, imageBatchAt } from './data/batches';

// Models: architectures, I/O, training, model cards, the shipped models.
export {
  buildVggSmall, VGG_SMALL_ANALYSIS_LAYER, type VggSmallOptions,
  buildResnetSmall, RESNET_SMALL_ANALYSIS_LAYER, type ResnetSmallOptions,
  buildVgg16, VGG16_ANALYSIS_LAYER, type Vgg16Options,
  buildResnet50, RESNET50_ANALYSIS_LAYER, type Resnet50Options,
  registerArchitecture, getArchitecture, listArchitectures, type ArchitectureDef, type ArchitectureBuildOptions,
  layerNames, requireLayer,
  saveModel, loadModel, loadWeightsInto, folderIOHandler, serializeModel, type SaveModelOptions,
  accuracyOf, predictClasses, evaluateAccuracy, type Accuracy, type PredictOptions,
  trainModel, withFastTrainingKernels, defaultAugment, type AugmentOptions, makeModelCard, writeModelWithCard, type TrainOptions, type TrainResult, type EpochRecord, type ModelCardInput, type ModelCard,
  loadShippedModel, shippedModelDir, shippedModelsDir, readModelCard, SHIPPED_MODELS, MODELS_ENV_VAR,
  type ShippedModelName, type ShippedModel,
  loadOnnxModel, isOnnxFile, decodeOnnx, encodeOnnx, onnxToLayersModel, onnxLayerName, SUPPORTED_ONNX_OPS,
  type OnnxConvertOptions, type OnnxGraph, type OnnxNode, type OnnxTensor, type OnnxValueInfo, type OnnxAttribute,
} from './models';
export { resolveModel, readModelCardInfo, shippedOnnxNames, type ResolvedModel, type ResolveModelOptions, type ModelCardInfo } from './extract/model';
export {
  imageFolderSource, reopenImageFolderSource, type ImageFolderSource, type ImageFolderSourceOptions, type ImageFolderSpec,
} from './extract/source';

// Model graphs: the split at the analysed layer, batch-norm folding.
export {
  splitModel, activationsAt, headLogits, spatialLayerNames, softmaxOutputLayer, foldBatchNorm,
  type ModelSplit, type SplitOptions, type CutActivations, type FoldedModel,
} from './graph';

// Step 1, explain: CAM methods (a registry) and the shared pipeline.
export {
  explain, type ExplainOptions, type ExplainResult, type ExplainSource, type Explanation,
  registerCamMethod, unregisterCamMethod, getCamMethod, listCamMethods, type RegisterCamMethodOptions,
  type CamMethodDef, type CamShape, type CamWeighting,
  classTarget, classTargets, predictedClass, type CamTarget, type CamTargetContext,
  upsampleBilinear, normaliseMinMax, heatmapDefect, type HeatmapDefect,
} from './cam';

// Step 2, patches: samplers (a registry) and the faithfulness rule.
export {
  monteCarloPatches, type MonteCarloOptions, densePatches, type DenseNmsOptions,
  faithfulPatches, type FaithfulOptions, type FaithfulResult, type LogitsFn, DEFAULT_FAITHFUL_THRESHOLD,
  registerPatchSampler, getPatchSampler, listPatchSamplers, type PatchSampler, type PatchSamplerOptions,
  type Heatmap, type PatchWindow, heatmapStatus, type HeatmapStatus,
} from './patches';

// Step 3, transactions: per-patch filter scores and top-k tables.
export type { ColumnTable } from './util/arquero';
export {
  windowFilterScores, type ActivationMaps, type ScoreWindow,
  transactionsForK, transactionsForKs, DEFAULT_TOP_KS, type TransactionStore, type PatchColumns,
  loadTransactionStore, saveTransactionStore, loadTransactions, saveTransactions,
  transactionsToCsv, transactionsFromCsv, transactionsToArrowIPC, transactionsFromArrowIPC,
} from './transactions';

// Steps 1-3 over a data set: resumable, sharded extraction runs.
export {
  extractDataset, type ExtractRunOptions, type ExtractRunResult, parseShard, type Shard,
  extractDatasetParallel, type ParallelExtractOptions, type ParallelExtractResult,
  mergeExtraction, type MergeOptions, type MergeResult, type ExtractSummaryCounts,
  imageSetSource, type ExtractDataSource, readManifest, type ExtractManifest,
  type PatchParams, type ExtractionParams, imageSeed, extractBatch, type BatchInput, type BatchResult,
} from './extract';

// Steps 4-6, mining: filters -> class rules, class-specific and class-shared filters, pattern groups.
export {
  minePaperRules, classRulesTable, type PaperRulesOptions, type PaperRulesResult, type PaperCounts, type PaperTimings,
  mineClassRules, classRuleDefaults, type ClassRule, type ClassRuleOptions, RULE_DEFINITIONS, checkRuleDefinition, type RuleDefinition,
  classFilterRows, filterRows, filterSetRows, type ClassFiltersRow, type FilterRow, type FilterSetRow, type SharingKind,
  patternGroups, type PatternGroup, ruleMetrics, type RuleMetrics,
  prepareMining, PAIR_COUNT_MAX_ITEMS, type MiningContext, sweep, type SweepGrid, type SweepOptions, type TransactionsByK,
  mineItemsets, countItemsets, itemsetAt, itemsetsTable, registerItemsetAlgorithm, itemsetAlgorithmNames,
  type ItemsetAlgorithm, type MineItemsetsOptions, type ItemsetList, type ItemsetKind,
  fromTransactionArrays, fromTransactionTable, fromTransactionsCsv, fromFimi, topKTransactions, loadFimi, loadTransactionsCsv,
  type Transactions, type TransactionColumnsOptions, type FromArraysOptions,
  saveMiningTables, miningTableToCsv, miningTableToJson,
  minePaperCore, type PaperCoreResult, minerSupport, describeSupport, checkTopK, type SupportThreshold,
} from './mining';

// Evaluation: class-conditional filter ablation, baselines, curves.
export {
  evaluateAblation, type AblationInputs, type EvaluateAblationOptions, type AblationEvaluation,
  type AblationResultRow, type AblationClassRow, type AblationFiltersRow,
  ablationCurves, CURVE_COLUMNS, type CurveMethod, type CurvePoint, type CurveOrder, type CurvesOptions,
  classConditionalAccuracy, otherClassImages, imagesByClass, type ClassFilterLists, type ClassConditionalOptions, type ClassConditionalResult,
  cacheActivations, type ActivationCache, type CacheActivationsOptions,
  createHeadEvaluator, type HeadEvaluatorOptions, createFullModelEvaluator, type FullModelEvaluatorOptions,
  MaskScorer, type MaskScorerOptions, type MaskEvaluator, type LogitScores,
  channelMask, validateChannels, type ChannelMaskOptions, defaultVariants, minedSourceName, type DefaultVariantsOptions, type AblationVariant,
  registerFilterSelector, getFilterSelector, listFilterSelectors, type FilterSelectorDef, type SelectorContext,
  vebiFilters, filterNorms, type VebiOptions, type VebiResult,
  minedFilterLists, rankMinedFilters, type MinedRule, indexedImagesFromSet, type IndexedImages,
  saveAblationTables, ablationTableToCsv,
  ablationStudy, BASELINE_RANKINGS, type StudyInputs, type StudyOptions, type StudyResult, type StudyResultRow,
  type StudyComparisonRow, type StudyProtocol, type StudyImages, miningSweep, type MiningSweepRow,
  greedyOracle, type OracleOptions, type OracleResult, pairedComparison, quantile, type PairedComparison, type PairedOptions,
  classGradientStatistics, type GradientStatisticsOptions,
} from './ablation';

// Baseline filter rankings per class (pure, typed arrays).
export {
  filterStatistics, FILTER_STATISTICS, type FilterStatistics, type FilterStatisticName,
  classMeanRanking, weightRanking, randomRanking, topFilters, filterCount, type ClassRankings,
} from './baselines';

// Widgets: charts, mosaics, tables and progress bars that render in notebooks and offline pages.
export {
  show, type ShowOptions, type Displayable, widgetsSetup, type WidgetsSetupOptions, widgetPage, type WidgetPageOptions,
  tableView, tableHtml, type TableViewOptions,
  patchMosaic, averagePatch, heatmapOverlays, patchesInContext, type MosaicOptions, type AveragePatchOptions, type OverlayOptions, type ContextOptions,
  type PatchBox, type ImageStack, type HeatmapStack,
  ablationCurveChart, ablationCurveFigure, type AblationCurveOptions, type AblationCurveRow,
  filtersPerClassChart, classFilterMatrix, rulesScatter, filtersPerClassSpec, classFilterMatrixSpec, rulesScatterSpec, type RuleChartOptions, type RuleRow, type ClassFilterRow,
  progressBar, progressCallback, type ProgressBar, type ProgressBarOptions, emptyResult, colourBarHtml,
  colormaps, viridis, jet, type Colormap,
  tunerWidget, encodeTunerData, checkTunerParams, namedSupport, tunerDefaults, tunerParamsLine,
  type TunerInput, type TunerData, type TunerDataOptions, type TunerParams, type TunerWidgetOptions,
} from './widgets';

// Extension points and utilities.
export { registerCommand, type CommandDef } from './cli/registry';
export { rng, type Rng } from './util/rng';

// Ground truth: the planted-parts generator, the ground-truth folder format and the benchmark.
export {
  generatePlantedParts, PLANTED_PARTS_CLASSES, PLANTED_PARTS_VOCABULARY, type PlantedPartsOptions, type PlantedPartsSet, type GeneratedImage,
  readGroundTruthFolder, readGroundTruthFile, writeGroundTruthFolder, plantedPartsFolder, GROUND_TRUTH_FILE,
  type GroundTruthData, type ReadGroundTruthOptions,
  validateGroundTruth, partRole, GROUND_TRUTH_FORMAT, type GroundTruth, type GroundTruthImage, type PartDef, type PlantedPart, type Box, type PartRole,
  runGroundTruthBenchmark, splitHalves, subsetImageSet, type GroundTruthBenchmark, type GroundTruthBenchmarkOptions,
  type ExplanationRow, type SourceRow, type ClassRow,
  partIndex, pointingGame, randomWindowPointing, filterPartSelectivity, filterParts, classFilterScores, sharingAgreement, usedParts, inpaintBox,
  type PartIndex, type PointingResult, type Selectivity, type ClassFilterScore, type SharingAgreement, type PartImportance,
  formatBenchmark, writeBenchmarkReport,
  imagesWithBoxes, partExemplarBoxes, filterTopPatches, sourceMeasureChart, pointingChart, ROLE_COLOURS,
} from './groundtruth';
