import type { CamMethodDef, CamShape } from '../types';
import { requireGradients } from './common';

/**
 * Grad-CAM (Selvaraju et al., ICCV 2017; docs/method.md, Pipeline step 1): the weight of channel `f` is the
 * spatial mean of d(score)/dA_f.
 */
export const gradCam: CamMethodDef = {
  name: 'gradcam',
  description: 'Grad-CAM: channel weight = spatial mean of the gradient (Selvaraju et al. 2017)',
  usesGradients: true,
  weighting: 'channel',
  weights(_acts: Float32Array, grads: Float32Array | null, s: CamShape): Float32Array {
    const g = requireGradients('gradcam', grads);
    const out = new Float32Array(s.n * s.c);
    const hw = s.h * s.w;
    for (let b = 0; b < s.n; b++) {
      const acc = new Float64Array(s.c);
      for (let p = 0; p < hw; p++) {
        const base = (b * hw + p) * s.c;
        for (let f = 0; f < s.c; f++) acc[f] += g[base + f];
      }
      for (let f = 0; f < s.c; f++) out[b * s.c + f] = acc[f] / hw;
    }
    return out;
  },
};
