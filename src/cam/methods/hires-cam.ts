import type { CamMethodDef, CamShape } from '../types';
import { requireGradients } from './common';

/**
 * HiResCAM (Draelos & Carin, 2020): element-wise gradient times activation, `cam = relu(sum_c g * A)`;
 * provably faithful for models whose head is a linear function of the activations.
 */
export const hiResCam: CamMethodDef = {
  name: 'hirescam',
  description: 'HiResCAM: element weight = gradient (Draelos & Carin 2020)',
  usesGradients: true,
  weighting: 'element',
  weights(_acts: Float32Array, grads: Float32Array | null, _s: CamShape): Float32Array {
    return Float32Array.from(requireGradients('hirescam', grads));
  },
};
