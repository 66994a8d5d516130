/**
 * Channel masks for class-conditional ablation (docs/method.md, "Evaluation"): a mask is a
 * `Float32Array` of length F (the layer's channel count) holding 0 for an ablated channel and 1
 * for a kept one. Pure: no tfjs.
 */

/** Options of {@link channelMask} and {@link validateChannels}. */
export interface ChannelMaskOptions {
  /** The layer's name, used in error messages only. Default `'the layer'`. */
  layerName?: string;
}

const defaults: Required<ChannelMaskOptions> = { layerName: 'the layer' };

/**
 * Checks a list of channel indices against a layer's channel count.
 * Duplicates are allowed (ablating a channel twice is ablating it once).
 * @param channels channel indices to ablate; may be empty (nothing is ablated)
 * @param channelCount the layer's number of output channels F
 * @param options see {@link ChannelMaskOptions}
 * @throws naming the offending index and F when an index is not an integer in [0, F),
 *   and when `channelCount` is not a positive integer
 */
export function validateChannels(channels: ArrayLike<number>, channelCount: number, options: ChannelMaskOptions = {}): void {
  const { layerName } = { ...defaults, ...options };
  if (!Number.isInteger(channelCount) || channelCount <= 0) {
    throw new Error(`channel count of ${layerName} must be a positive integer, got ${channelCount}`);
  }
  for (let i = 0; i < channels.length; i++) {
    const c = channels[i];
    if (!Number.isInteger(c)) {
      throw new Error(`channel index ${c} (position ${i}) is not an integer; ${layerName} has ${channelCount} channels (0..${channelCount - 1})`);
    }
    if (c < 0 || c >= channelCount) {
      throw new Error(`channel index ${c} (position ${i}) is out of range; ${layerName} has ${channelCount} channels (0..${channelCount - 1})`);
    }
  }
}

/**
 * The 0/1 mask that ablates `channels`. An empty list gives all ones (nothing ablated).
 * @param channels channel indices to zero
 * @param channelCount F
 * @param options see {@link ChannelMaskOptions}
 * @returns a new Float32Array of length F
 * @throws as {@link validateChannels}
 * @example channelMask([1, 3], 4) // Float32Array [1, 0, 1, 0]
 */
export function channelMask(channels: ArrayLike<number>, channelCount: number, options: ChannelMaskOptions = {}): Float32Array {
  validateChannels(channels, channelCount, options);
  const mask = new Float32Array(channelCount).fill(1);
  for (let i = 0; i < channels.length; i++) mask[channels[i]] = 0;
  return mask;
}

/**
 * Stacks one mask per channel list into a row-major `[lists.length, F]` matrix.
 * @param lists one channel list per row (e.g. one per class)
 * @param channelCount F
 * @param options see {@link ChannelMaskOptions}
 * @throws as {@link validateChannels}, naming the row
 */
export function maskMatrix(lists: ReadonlyArray<ArrayLike<number>>, channelCount: number, options: ChannelMaskOptions = {}): Float32Array {
  const out = new Float32Array(lists.length * channelCount);
  lists.forEach((list, row) => {
    try {
      out.set(channelMask(list, channelCount, options), row * channelCount);
    } catch (e) {
      throw new Error(`mask row ${row}: ${(e as Error).message}`);
    }
  });
  return out;
}

/** A canonical text key of a channel set (sorted, deduplicated), for memoising results per mask. */
export function maskKey(channels: ArrayLike<number>): string {
  return [...new Set(Array.from(channels))].sort((a, b) => a - b).join(',');
}
