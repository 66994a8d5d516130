/**
 * The registry of trainable model architectures, addressed by name (`vgg-small`,
 * `resnet-small`). Training, shipping and the CLI pick an architecture here instead of branching
 * on its name.
 */
import type * as tf from '@tensorflow/tfjs';
import { buildVggSmall, VGG_SMALL_ANALYSIS_LAYER } from './vgg-small';
import { buildResnetSmall, RESNET_SMALL_ANALYSIS_LAYER } from './resnet-small';
import { createRegistry } from '../util/registry';
import { buildVggParts, buildResnetParts, PARTS_INPUT_SHAPE, VGG_PARTS_ANALYSIS_LAYER, RESNET_PARTS_ANALYSIS_LAYER } from './parts-nets';

/** Options every registered builder accepts. */
export interface ArchitectureBuildOptions {
  /** Seed of the weight initialisation. */
  seed?: number;
  /** Multiplier on filter counts (1 = full size). */
  width?: number;
  /** Number of classes. */
  classes?: number;
}

/** A model architecture: how to build it and which layer the method analyses by default. */
export interface ArchitectureDef {
  /** Registry name, e.g. `vgg-small`. */
  name: string;
  /** One-line description for model cards and `--help`. */
  description: string;
  /** Input shape [height, width, channels] the builder uses. */
  inputShape: [number, number, number];
  /** Default analysis layer (the last convolutional stage). */
  analysisLayer: string;
  /** Builds a fresh model with seeded random weights; its output is pre-softmax logits. */
  build(options?: ArchitectureBuildOptions): tf.LayersModel;
}

const architectures = createRegistry<ArchitectureDef>('model architecture', { registerName: 'registerArchitecture' });

/**
 * Registers an architecture.
 * @throws if the name is taken and `override` is not set
 */
export function registerArchitecture(def: ArchitectureDef, options: { override?: boolean } = {}): void {
  architectures.register(def.name, def, options);
}

/**
 * The architecture of that name.
 * @throws naming the known architectures if there is none
 */
export function getArchitecture(name: string): ArchitectureDef {
  return architectures.get(name);
}

/** Names of all registered architectures, sorted. */
export function listArchitectures(): string[] {
  return architectures.names();
}

const BUILT_IN: Array<[string, string, string, typeof buildVggSmall]> = [
  ['vgg-small', 'VGG-style CNN for 28x28x1 input (4 conv layers, Keras VGG16 layer names, global-average-pooling head), logits output', VGG_SMALL_ANALYSIS_LAYER, buildVggSmall],
  ['resnet-small', 'ResNet-style CNN for 28x28x1 input (bottleneck blocks with batch norm, Keras ResNet50 layer names), logits output', RESNET_SMALL_ANALYSIS_LAYER, buildResnetSmall],
];
for (const [name, description, analysisLayer, build] of BUILT_IN) {
  registerArchitecture({ name, description, inputShape: [28, 28, 1], analysisLayer, build: (options = {}) => build(options) });
}

registerArchitecture({
  name: 'vgg-parts',
  description: 'VGG-style CNN for 64x64x3 input (4 conv layers, global-average-pooling head, Keras VGG16 layer names), logits output; trained on the planted-parts benchmark',
  inputShape: PARTS_INPUT_SHAPE,
  analysisLayer: VGG_PARTS_ANALYSIS_LAYER,
  build: (options = {}) => buildVggParts(options),
});

registerArchitecture({
  name: 'resnet-parts',
  description: 'ResNet-style CNN for 64x64x3 input (bottleneck blocks with batch norm, Keras ResNet50 layer names), logits output; trained on the planted-parts benchmark',
  inputShape: PARTS_INPUT_SHAPE,
  analysisLayer: RESNET_PARTS_ANALYSIS_LAYER,
  build: (options = {}) => buildResnetParts(options),
});
