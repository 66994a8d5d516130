/** The option shapes the model builders share. */

/** Options of the small Fashion-MNIST builders (vgg-small, resnet-small). */
export interface SmallModelOptions {
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
  /** Multiplier on every filter count (1 = the shipped model; smaller for fast tests). Default 1. */
  width?: number;
  /** Number of classes. Default 10. */
  classes?: number;
  /** Input shape [height, width, channels]. Default [28, 28, 1]. */
  inputShape?: [number, number, number];
}

/** The defaults of {@link SmallModelOptions}. */
export const SMALL_MODEL_DEFAULTS: Required<SmallModelOptions> = { seed: 0, width: 1, classes: 10, inputShape: [28, 28, 1] };

/** Options of the ImageNet architectures (VGG16, ResNet50, built as in keras.applications). */
export interface ImagenetModelOptions {
  /** Seed of the (random) weight initialisation. Default 0. */
  seed?: number;
  /** Number of classes. Default 1000. */
  classes?: number;
  /** Drop the softmax of `predictions` so the model outputs logits. Default false (Keras: softmax). */
  logits?: boolean;
  /**
   * `'random'`: seeded random weights (Keras' initialisers); `'zeros'`: all-zero weights, much
   * faster to build, for when real weights are loaded next (`loadWeightsInto`). Default 'random'.
   */
  init?: 'random' | 'zeros';
}

/** The defaults of {@link ImagenetModelOptions}. */
export const IMAGENET_MODEL_DEFAULTS: Required<ImagenetModelOptions> = { seed: 0, classes: 1000, logits: false, init: 'random' };
