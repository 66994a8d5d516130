import type { CamMethodDef, CamShape } from '../types';
import { requireGradients } from './common';

/** Keeps the denominator of the alpha coefficients away from zero (pytorch-grad-cam's value). */
const EPS = 1e-6;

/**
 * Grad-CAM++ (Chattopadhyay et al., WACV 2018), in the closed form pytorch-grad-cam uses:
 * `alpha = g^2 / (2 g^2 + sum_ij(A) g^3 + eps)` (0 where g = 0), weight = `sum_ij alpha * relu(g)`.
 */
export const gradCamPlusPlus: CamMethodDef = {
  name: 'gradcam++',
  description: 'Grad-CAM++: channel weight = sum of alpha * relu(gradient) (Chattopadhyay et al. 2018)',
  usesGradients: true,
  weighting: 'channel',
  weights(acts: Float32Array, grads: Float32Array | null, s: CamShape): Float32Array {
    const g = requireGradients('gradcam++', grads);
    const out = new Float32Array(s.n * s.c);
    const hw = s.h * s.w;
    for (let b = 0; b < s.n; b++) {
      const sumA = new Float64Array(s.c);
      for (let p = 0; p < hw; p++) {
        const base = (b * hw + p) * s.c;
        for (let f = 0; f < s.c; f++) sumA[f] += acts[base + f];
      }
      const acc = new Float64Array(s.c);
      for (let p = 0; p < hw; p++) {
        const base = (b * hw + p) * s.c;
        for (let f = 0; f < s.c; f++) {
          const gi = g[base + f];
          if (gi === 0) continue;
          const g2 = gi * gi;
          const alpha = g2 / (2 * g2 + sumA[f] * g2 * gi + EPS);
          if (gi > 0) acc[f] += alpha * gi;
        }
      }
      for (let f = 0; f < s.c; f++) out[b * s.c + f] = acc[f];
    }
    return out;
  },
};
