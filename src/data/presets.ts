/**
 * Named image preprocessing presets (the transforms a pretrained network expects on its input),
 * held in a registry. Each preset maps RGB pixels in 0..255 to network input as
 *   out[c] = (pixel[order[c]] * scale - mean[c]) / std[c]
 * with the channel order, mean and std given in the *output* channel order.
 *
 * Built in:
 * - `caffe`: Keras `vgg16`/`resnet50` `preprocess_input` (mode 'caffe'): RGB -> BGR, 0..255, minus
 *   the ImageNet mean [103.939, 116.779, 123.68] (B, G, R); no scaling.
 * - `torch`: torchvision models: 0..1, minus [0.485, 0.456, 0.406], divided by [0.229, 0.224, 0.225] (RGB).
 * - `tf`: Keras MobileNet/Inception (mode 'tf'): -1..1.
 * - `unit`: plain 0..1 (what filtermine's own small models are trained on).
 */
import * as tf from '@tensorflow/tfjs';
import { createRegistry } from '../util/registry';

/** A preprocessing preset. */
export interface PreprocessPreset {
  /** Unique name, e.g. `caffe`. */
  name: string;
  /** One line saying which models expect it. */
  description: string;
  /** Output channel order: `bgr` reverses the decoded RGB channels. */
  channelOrder: 'rgb' | 'bgr';
  /** Multiplies 0..255 pixels before the mean is subtracted (1 keeps 0..255, 1/255 gives 0..1). */
  scale: number;
  /** Subtracted per output channel, after scaling. */
  mean: readonly [number, number, number];
  /** Divides per output channel, after the mean. */
  std: readonly [number, number, number];
}

const presets = createRegistry<PreprocessPreset>('preprocessing preset', { registerName: 'registerPreset' });

function validate(def: PreprocessPreset): void {
  const bad = (what: string, v: unknown) => new Error(`registerPreset: ${what} of preset '${def.name}' is invalid: ${JSON.stringify(v)}`);
  if (!def.name || typeof def.name !== 'string') throw bad('name', def.name);
  if (def.channelOrder !== 'rgb' && def.channelOrder !== 'bgr') throw bad("channelOrder (expected 'rgb' or 'bgr')", def.channelOrder);
  if (!(Number.isFinite(def.scale) && def.scale > 0)) throw bad('scale (expected a positive number)', def.scale);
  if (def.mean.length !== 3 || !def.mean.every(Number.isFinite)) throw bad('mean (expected 3 finite numbers)', def.mean);
  if (def.std.length !== 3 || !def.std.every((s) => Number.isFinite(s) && s > 0)) throw bad('std (expected 3 positive numbers)', def.std);
}

/**
 * Adds a preset to the registry (a frozen copy of `def`).
 * @param def the preset
 * @param options `override: true` replaces a preset of the same name
 * @throws if a field is invalid, or the name is taken and `override` is not set
 */
export function registerPreset(def: PreprocessPreset, options: { override?: boolean } = {}): void {
  validate(def);
  presets.register(def.name, Object.freeze({ ...def, mean: Object.freeze([...def.mean]) as PreprocessPreset['mean'], std: Object.freeze([...def.std]) as PreprocessPreset['std'] }), options);
}

/**
 * The preset of that name.
 * @throws naming the known presets when there is none
 */
export function getPreset(name: string): PreprocessPreset {
  return presets.get(name);
}

/** All registered presets, sorted by name. */
export function listPresets(): PreprocessPreset[] {
  return presets.values();
}

registerPreset({
  name: 'caffe', description: 'Keras VGG16/ResNet50 (BGR, 0..255 minus the ImageNet mean)',
  channelOrder: 'bgr', scale: 1, mean: [103.939, 116.779, 123.68], std: [1, 1, 1],
});
registerPreset({
  name: 'torch', description: 'torchvision models (RGB, 0..1, ImageNet mean/std)',
  channelOrder: 'rgb', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
});
registerPreset({
  name: 'tf', description: 'Keras MobileNet/Inception (RGB, -1..1)',
  channelOrder: 'rgb', scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1],
});
registerPreset({
  name: 'unit', description: 'plain RGB in 0..1 (filtermine\'s own models)',
  channelOrder: 'rgb', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1],
});

/** A preset given by name or as a definition. */
export type PresetLike = string | PreprocessPreset;

function resolve(preset: PresetLike): PreprocessPreset {
  if (typeof preset === 'string') return getPreset(preset);
  validate(preset);
  return preset;
}

/**
 * Applies a preset to interleaved RGB pixels (pure; the input is not modified).
 * @param rgb pixels in 0..255, `[..., 3]` interleaved (length a multiple of 3)
 * @param preset a preset or its name
 * @returns a new Float32Array of the same length, in the preset's channel order
 * @throws if the length is not a multiple of 3, or the preset is unknown
 */
export function applyPresetToPixels(rgb: ArrayLike<number>, preset: PresetLike): Float32Array {
  return mapInterleaved('applyPresetToPixels', 'interleaved RGB', rgb, preset,
    (p, order, v, i, c) => (v[i + order[c]] * p.scale - p.mean[c]) / p.std[c], (order, c) => c);
}

/**
 * The shared loop of {@link applyPresetToPixels} and {@link unapplyPresetToPixels}: checks the
 * interleaved layout, then writes `value(i, c)` to channel `target(order, c)` of each pixel.
 */
function mapInterleaved(
  what: string, layout: string, values: ArrayLike<number>, preset: PresetLike,
  value: (p: PreprocessPreset, order: number[], v: ArrayLike<number>, i: number, c: number) => number,
  target: (order: number[], c: number) => number,
): Float32Array {
  const p = resolve(preset);
  if (values.length % 3 !== 0) throw new Error(`${what}: expected ${layout} (length a multiple of 3), got length ${values.length}`);
  const order = p.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i += 3) {
    for (let c = 0; c < 3; c++) out[i + target(order, c)] = value(p, order, values, i, c);
  }
  return out;
}

/**
 * Applies a preset to a batch of RGB images (tfjs adapter of {@link applyPresetToPixels}).
 * @param images `[n, h, w, 3]` RGB in 0..255 (any numeric dtype); not disposed
 * @param preset a preset or its name
 * @returns a new float32 tensor `[n, h, w, 3]` in the preset's channel order
 * @throws if the last axis is not 3, or the preset is unknown
 */
export function applyPreset(images: tf.Tensor4D, preset: PresetLike): tf.Tensor4D {
  const p = resolve(preset);
  if (images.shape[3] !== 3) throw new Error(`applyPreset: expected [n, h, w, 3] RGB images, got shape [${images.shape}]`);
  return tf.tidy(() => {
    let x = tf.cast(images, 'float32');
    if (p.channelOrder === 'bgr') x = tf.reverse(x, 3);
    const scale = tf.tensor1d(p.std.map((s) => p.scale / s));
    const shift = tf.tensor1d(p.mean.map((m, c) => m / p.std[c]));
    return tf.sub(tf.mul(x, scale), shift) as tf.Tensor4D;
  });
}

/**
 * Inverts a preset (pure): network input back to RGB pixels in 0..255, e.g. to show the original
 * image in mosaics and overlays instead of the preprocessed tensor. Values are not clamped, so a
 * round trip through {@link applyPresetToPixels} is exact up to float rounding.
 * @param values preprocessed pixels, `[..., 3]` interleaved in the preset's channel order
 * @param preset a preset or its name
 * @returns a new Float32Array of interleaved RGB in 0..255
 * @throws if the length is not a multiple of 3, or the preset is unknown
 */
export function unapplyPresetToPixels(values: ArrayLike<number>, preset: PresetLike): Float32Array {
  return mapInterleaved('unapplyPresetToPixels', 'interleaved pixels', values, preset,
    (p, order, v, i, c) => (v[i + c] * p.std[c] + p.mean[c]) / p.scale, (order, c) => order[c]);
}

/**
 * Preprocessed pixels -> RGB in [0, 1] for display (the inverse preset, clamped to the pixel range).
 * @param values preprocessed pixels, interleaved, in the preset's channel order
 * @param preset a preset or its name
 */
export function displayPixels(values: ArrayLike<number>, preset: PresetLike): Float32Array {
  const rgb = unapplyPresetToPixels(values, preset);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.min(1, Math.max(0, rgb[i] / 255));
  return rgb;
}
