/**
 * Model cards: the JSON record shipped next to a trained model (what it is, how it was trained,
 * how well it does), and the pure accuracy computation that fills it.
 */

/** Accuracy overall and per class. */
export interface Accuracy {
  /** Fraction correct over all images. */
  overall: number;
  /** Fraction correct per class (NaN for a class with no images), indexed by label. */
  perClass: number[];
  /** Number of images evaluated. */
  n: number;
}

/** The model card written by training (`card.json`). */
export interface ModelCard {
  /** Model name, e.g. `vgg-small`. */
  name: string;
  /** Architecture description. */
  architecture: string;
  /** Default layer for the method (last convolutional stage). */
  analysisLayer: string;
  /** Input shape [height, width, channels]; pixels in [0, 1]. */
  inputShape: number[];
  /** What the model outputs (`logits`: pre-softmax). */
  output: 'logits' | 'probabilities';
  /** Class names, indexed by label. */
  classNames: string[];
  /** Test accuracy (Fashion-MNIST test set) overall and per class, keyed by class name. */
  testAccuracy: { overall: number; perClass: Record<string, number>; n: number };
  /** Total number of weights. */
  parameterCount: number;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Training images used. */
  trainImages: number;
  /** Optimiser and schedule, e.g. `adam lr 0.001 cosine`. */
  optimizer: string;
  /** Augmentation used, e.g. `shift 2, flip`. */
  augmentation: string;
  /** Training wall time in seconds. */
  trainingSeconds: number;
  /** tfjs backend used for training. */
  backend: string;
  /** The data trained and tested on, when not Fashion-MNIST (e.g. the generator and its settings). */
  data?: string;
  /** SHA-256 of the training data files (`ImageSet.checksum`). */
  dataChecksum: string;
  /** SHA-256 of the test data files. */
  testDataChecksum: string;
  /** `@tensorflow/tfjs` version. */
  tfjsVersion: string;
  /** ISO date of the end of training. */
  date: string;
  /**
   * The CAM method to explain this model with when the caller names none (a registered name,
   * see `listCamMethods()`); absent means `gradcam`. Set after measuring: Grad-CAM's spatially
   * averaged weights can make the map everywhere negative (all zero after ReLU) for a flatten head.
   */
  camMethod?: string;
  /** Why {@link camMethod} was chosen, with the measurement. */
  camMethodReason?: string;
  /** The model whose weights training started from (fine-tuning), when there was one. */
  initializedFrom?: string;
  /** The layers whose weights came from {@link initializedFrom}. */
  initializedLayers?: string[];
}

/**
 * Top-1 accuracy overall and per class.
 * @param predicted predicted label per image
 * @param labels true label per image
 * @param classes number of classes
 * @throws if the lengths differ
 */
export function accuracyOf(predicted: ArrayLike<number>, labels: ArrayLike<number>, classes: number): Accuracy {
  if (predicted.length !== labels.length) throw new Error(`accuracyOf: ${predicted.length} predictions for ${labels.length} labels`);
  const hit = new Array<number>(classes).fill(0);
  const all = new Array<number>(classes).fill(0);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    all[c]++;
    if (predicted[i] === c) { hit[c]++; correct++; }
  }
  return {
    overall: labels.length ? correct / labels.length : NaN,
    perClass: all.map((n, c) => (n ? hit[c] / n : NaN)),
    n: labels.length,
  };
}
