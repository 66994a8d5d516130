/**
 * Baseline filter rankings per class (mean activation, Grad-CAM channel weight, gradient x
 * activation, VEBI weights, seeded random) over typed arrays; see docs/method.md, "Baselines".
 */
export { filterStatistics, FILTER_STATISTICS, type FilterStatistics, type FilterStatisticName } from './statistics';
export { classMeanRanking, weightRanking, randomRanking, topFilters, filterCount, type ClassRankings } from './rankings';
