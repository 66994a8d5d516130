/** Patches: windows of a heatmap (Monte-Carlo or dense + NMS) and the faithfulness stopping rule. */
export * from './heatmap';
export * from './monte-carlo';
export * from './dense-nms';
export * from './sampler';
export * from './faithful';
export * from './occlusion';
