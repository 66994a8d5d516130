/**
 * Types shared by the CAM methods (pure: no tfjs import).
 * Activations and gradients are NHWC float32 arrays of one batch, as tf.js lays them out.
 */

/** Shape of an NHWC activation batch at the explained layer. */
export interface CamShape {
  /** Images in the batch. */
  readonly n: number;
  /** Height of the activation map. */
  readonly h: number;
  /** Width of the activation map. */
  readonly w: number;
  /** Channels (filters) of the layer. */
  readonly c: number;
}

/** What a CAM method's `weights` returns: one weight per channel, or one per activation element. */
export type CamWeighting = 'channel' | 'element';

/**
 * A class activation map method, in the pytorch-grad-cam style: every method shares one pipeline
 * (`cam = relu(sum_c weight * A_c)`, then upsample and normalise) and only says how to weight the
 * activations.
 */
export interface CamMethodDef {
  /** Registry key, e.g. `'gradcam'`. */
  readonly name: string;
  /** One line for listings (with the reference). */
  readonly description: string;
  /** True when `weights` needs the gradient of the target score w.r.t. the activations. */
  readonly usesGradients: boolean;
  /** `'channel'`: `weights` returns `n * c` values; `'element'`: `n * h * w * c` values (NHWC). */
  readonly weighting: CamWeighting;
  /**
   * Computes the weights of the activations. Must not modify its inputs.
   * @param acts activations, NHWC, length `n*h*w*c`
   * @param grads d(target score)/d(acts), same layout; `null` when `usesGradients` is false
   * @param shape the batch shape
   * @returns the weights, laid out as `weighting` says
   */
  weights(acts: Float32Array, grads: Float32Array | null, shape: CamShape): Float32Array;
}
