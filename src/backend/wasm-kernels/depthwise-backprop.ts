/**
 * `DepthwiseConv2dNativeBackpropFilter` and `DepthwiseConv2dNativeBackpropInput` for backends that
 * lack them (wasm): gradients through depthwise convolutions (MobileNet-style graphs).
 *
 * Filter: for tap (i, j), dW[i, j, c, m] = sum over (n, ho, wo) of X_ij[n, ho, wo, c] · dY[n, ho, wo, c·M + m],
 * with X_ij the same strided slice of the padded input as in conv2d-backprop-filter.ts.
 * Input: dX is a stride-1 depthwise correlation of dY, dilated by the stride (zeros between rows
 * and columns) and padded by (k-1-pad), with the spatially flipped filter; the M multiplier
 * channels of each input channel are summed afterwards.
 */
import * as tf from '@tensorflow/tfjs';
import { opKernel } from './op-kernel';
import { farPad, pair, tapExtent } from './conv-geometry';
import { padOrCrop } from './pad-crop';
import { padForTaps, tapSlice, type FilterGradGeometry } from './conv2d-backprop-filter';

function depthwiseInfo(xShape: [number, number, number, number], filterShape: [number, number, number, number],
  attrs: { strides: number | [number, number]; dilations: number | [number, number]; pad: tf.Conv2DBackpropFilterAttrs['pad']; dimRoundingMode?: 'floor' | 'round' | 'ceil' }) {
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, attrs.dilations, attrs.pad,
    attrs.dimRoundingMode, true, 'channelsLast');
}

/**
 * The `DepthwiseConv2dNativeBackpropFilter` kernel for a backend, built from its own ops (NHWC).
 * @param backendName e.g. `wasm`
 */
export function depthwiseBackpropFilterConfig(backendName: string): tf.KernelConfig {
  return opKernel<tf.DepthwiseConv2dNativeBackpropFilterAttrs>(tf.DepthwiseConv2dNativeBackpropFilter, backendName,
    ({ x, dy }, attrs) => {
      const x4 = x as tf.Tensor4D, dy4 = dy as tf.Tensor4D;
      const [kh, kw, c, m] = attrs.filterShape;
      const info = depthwiseInfo(x4.shape, attrs.filterShape, attrs);
      const [n, ho, wo] = dy4.shape;
      const rows = n * ho * wo;
      if (rows === 0) return tf.zeros([kh, kw, c, m]);
      const g: FilterGradGeometry = {
        strides: [info.strideHeight, info.strideWidth], dilations: pair(attrs.dilations),
        padTop: info.padInfo.top, padLeft: info.padInfo.left, filterHeight: kh, filterWidth: kw,
      };
      const xp = padForTaps(x4, ho, wo, g);
      const dy3 = tf.reshape(dy4, [rows, c, m]);
      const taps: tf.Tensor[] = [];
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          taps.push(tf.tidy(() => tf.sum(tf.mul(tf.reshape(tapSlice(xp, i, j, ho, wo, g), [rows, c, 1]), dy3), 0)));
        }
      }
      return tf.reshape(tf.stack(taps), [kh, kw, c, m]);
    });
}

/**
 * The `DepthwiseConv2dNativeBackpropInput` kernel for a backend, built from its own ops (NHWC).
 * @param backendName e.g. `wasm`
 */
export function depthwiseBackpropInputConfig(backendName: string): tf.KernelConfig {
  return opKernel<tf.DepthwiseConv2dNativeBackpropInputAttrs>(tf.DepthwiseConv2dNativeBackpropInput, backendName,
    ({ dy, filter }, attrs) => {
      const dy4 = dy as tf.Tensor4D, w = filter as tf.Tensor4D;
      const [kh, kw, c, m] = w.shape;
      const [n, h, wd] = attrs.inputShape;
      const info = depthwiseInfo(attrs.inputShape, w.shape, attrs);
      const [dh, dw] = pair(attrs.dilations);
      const [sh, sw] = [info.strideHeight, info.strideWidth];
      const [, ho, wo, cm] = dy4.shape;
      if (n * ho * wo === 0) return tf.zeros(attrs.inputShape);
      // Dilate dy by the stride: [N, Ho, 1, Wo, 1, CM] padded to [N, Ho, sh, Wo, sw, CM].
      let dyd: tf.Tensor4D = dy4;
      if (sh > 1 || sw > 1) {
        dyd = tf.reshape(tf.pad(tf.reshape(dy4, [n, ho, 1, wo, 1, cm]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]),
          [n, ho * sh, wo * sw, cm]);
      }
      const dHeight = tapExtent(0, ho, sh), dWidth = tapExtent(0, wo, sw); // rows that carry data
      const effH = (kh - 1) * dh, effW = (kw - 1) * dw;
      const before: [number, number] = [effH - info.padInfo.top, effW - info.padInfo.left];
      // Output row y reads padded rows y .. y + effH, so the padded height must be h + effH.
      const padded = padOrCrop(dyd, [[0, 0],
        [before[0], farPad(dHeight, before[0], h + effH) - (dyd.shape[1] - dHeight)],
        [before[1], farPad(dWidth, before[1], wd + effW) - (dyd.shape[2] - dWidth)], [0, 0]]);
      const flipped = tf.reshape(tf.reverse(w, [0, 1]), [kh, kw, c * m, 1]) as tf.Tensor4D;
      const dxm = tf.depthwiseConv2d(padded, flipped, 1, 'valid', 'NHWC', [dh, dw]);
      return m === 1 ? dxm : tf.sum(tf.reshape(dxm, [n, h, wd, c, m]), 4);
    });
}
