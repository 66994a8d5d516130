/**
 * Bilinear upsampling as an explicit linear map (docs/method.md, Pipeline steps 1 and 3: heatmaps and filter
 * activation maps are "bilinearly upsampled to input size").
 *
 * Convention (the one contract every module shares, see notes upsample-contract): half-pixel
 * centres, no corner alignment, edge clamping. This is `tf.image.resizeBilinear(x, size,
 * alignCorners = false, halfPixelCenters = true)`, PyTorch `F.interpolate(mode='bilinear',
 * align_corners=False)` and OpenCV `INTER_LINEAR`. Output pixel `o` samples the source coordinate
 * `s = clamp((o + 0.5) * inSize / outSize - 0.5, 0, inSize - 1)`, interpolating between
 * `i0 = floor(s)` (weight `1 - (s - i0)`) and `i1 = min(i0 + 1, inSize - 1)` (weight `s - i0`).
 * Every row of the weight matrix sums to 1. A 2-D upsample is separable: `U = Wh · A · Wwᵀ`.
 *
 * Pure: no tfjs import.
 */

/**
 * The 1-D bilinear interpolation matrix, row-major `[outSize x inSize]`.
 * @param inSize source length (>= 1)
 * @param outSize target length (>= 1)
 * @returns `W` with `W[o * inSize + i]` = weight of source sample `i` in output sample `o`
 * @throws {Error} if a size is not a positive integer
 */
export function bilinearWeights(inSize: number, outSize: number): Float32Array {
  checkSize('inSize', inSize);
  checkSize('outSize', outSize);
  const w = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inSize - 1);
    const i0 = Math.floor(s);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const frac = s - i0;
    w[o * inSize + i0] += 1 - frac;
    w[o * inSize + i1] += frac;
  }
  return w;
}

/**
 * Prefix sums of {@link bilinearWeights} over output positions, row-major `[(outSize + 1) x inSize]`:
 * row `t` holds `sum_{o < t} W[o, :]`. The coefficients of a window `[start, end)` of the upsampled
 * axis are `P[end, :] - P[start, :]`, so the sum of an upsampled map over a box is
 * `rowCoefᵀ · A · colCoef` without materialising the upsample.
 * @param inSize source length
 * @param outSize target length
 * @returns the prefix-sum matrix (float64 for exact differences)
 */
export function bilinearPrefixWeights(inSize: number, outSize: number): Float64Array {
  const w = bilinearWeights(inSize, outSize);
  const p = new Float64Array((outSize + 1) * inSize);
  for (let o = 0; o < outSize; o++) {
    for (let i = 0; i < inSize; i++) p[(o + 1) * inSize + i] = p[o * inSize + i] + w[o * inSize + i];
  }
  return p;
}

/**
 * Upsamples a stack of 2-D maps bilinearly with the module convention.
 * @param maps `count` maps of `[inH x inW]`, row-major, concatenated (e.g. NHW with one channel)
 * @param count number of maps
 * @param inH source height
 * @param inW source width
 * @param outH target height
 * @param outW target width
 * @returns `count` maps of `[outH x outW]`, concatenated; `maps` is not modified
 * @throws {Error} if `maps.length !== count * inH * inW`
 */
export function upsampleBilinear(
  maps: ArrayLike<number>, count: number, inH: number, inW: number, outH: number, outW: number,
): Float32Array {
  if (maps.length !== count * inH * inW) {
    throw new Error(`upsampleBilinear: maps has length ${maps.length}, expected count*inH*inW = ${count * inH * inW}`);
  }
  const wh = bilinearWeights(inH, outH);
  const ww = bilinearWeights(inW, outW);
  const out = new Float32Array(count * outH * outW);
  const tmp = new Float64Array(inH * outW); // rows upsampled along width first
  for (let m = 0; m < count; m++) {
    const src = m * inH * inW;
    tmp.fill(0);
    for (let i = 0; i < inH; i++) {
      for (let x = 0; x < outW; x++) {
        let acc = 0;
        for (let j = 0; j < inW; j++) acc += ww[x * inW + j] * maps[src + i * inW + j];
        tmp[i * outW + x] = acc;
      }
    }
    const dst = m * outH * outW;
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        let acc = 0;
        for (let i = 0; i < inH; i++) acc += wh[y * inH + i] * tmp[i * outW + x];
        out[dst + y * outW + x] = acc;
      }
    }
  }
  return out;
}

function checkSize(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`bilinear: ${name} must be a positive integer, got ${v}`);
}
