/** The pure ablation engine (no tfjs). */
export * from './mask';
export * from './metrics';
export * from './scorer';
export * from './class-conditional';
export * from './selectors';
export * from './variants';
export * from './mined';
export * from './seed';
export * from './evaluate';
export * from './curves';
export * from './contributions';
export * from './oracle';
export * from './paired';
