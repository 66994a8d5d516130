/** Ground truth: the planted-parts generator, the ground-truth folder format, and measures against it. */
export * from './format';
export * from './generator';
export * from './io';
export * from './measures';
export * from './benchmark';
export * from './report';
export * from './views';
