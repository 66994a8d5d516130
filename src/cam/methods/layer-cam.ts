import type { CamMethodDef, CamShape } from '../types';
import { requireGradients } from './common';

/**
 * LayerCAM (Jiang et al., IEEE TIP 2021): every activation element is weighted by its own positive
 * gradient, `cam = relu(sum_c relu(g) * A)`.
 */
export const layerCam: CamMethodDef = {
  name: 'layercam',
  description: 'LayerCAM: element weight = relu(gradient) (Jiang et al. 2021)',
  usesGradients: true,
  weighting: 'element',
  weights(_acts: Float32Array, grads: Float32Array | null, _s: CamShape): Float32Array {
    const g = requireGradients('layercam', grads);
    const out = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) out[i] = g[i] > 0 ? g[i] : 0;
    return out;
  },
};
