import type { CamMethodDef, CamShape } from '../types';
import { requireGradients } from './common';

const EPS = 1e-7;

/**
 * XGrad-CAM (Fu et al., BMVC 2020): channel weight = `sum_ij(g * A) / (sum_ij(A) + eps)`.
 */
export const xGradCam: CamMethodDef = {
  name: 'xgradcam',
  description: 'XGrad-CAM: channel weight = activation-weighted mean of the gradient (Fu et al. 2020)',
  usesGradients: true,
  weighting: 'channel',
  weights(acts: Float32Array, grads: Float32Array | null, s: CamShape): Float32Array {
    const g = requireGradients('xgradcam', grads);
    const out = new Float32Array(s.n * s.c);
    const hw = s.h * s.w;
    for (let b = 0; b < s.n; b++) {
      const sumA = new Float64Array(s.c);
      const sumGA = new Float64Array(s.c);
      for (let p = 0; p < hw; p++) {
        const base = (b * hw + p) * s.c;
        for (let f = 0; f < s.c; f++) {
          sumA[f] += acts[base + f];
          sumGA[f] += acts[base + f] * g[base + f];
        }
      }
      for (let f = 0; f < s.c; f++) out[b * s.c + f] = sumGA[f] / (sumA[f] + EPS);
    }
    return out;
  },
};
