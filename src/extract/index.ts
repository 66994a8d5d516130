/** The dataset run: explain -> patches -> occlusion -> scores, in resumable, shardable chunks. */
export * from './seeds';
export * from './chunk';
export * from './source';
export * from './manifest';
export * from './pipeline';
export * from './merge';
export * from './run';
export * from './model';
export * from './parallel';
