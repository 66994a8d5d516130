import * as assert from 'node:assert/strict';
import { filterContributions, maskedLogitsFromContributions } from '../../src/ablation/core/contributions';
import { assertArraysClose } from '../helpers';

describe('ablation/contributions', () => {
  // One image, S = 2 positions, F = 2 filters, K = 2 logits. A = [[1, 2], [3, 0]] (s-major, f last).
  // J rows d = s*F + f: d0 = [1, 0], d1 = [0, 1], d2 = [2, 1], d3 = [5, 5].
  // C[f=0] = 1*[1,0] + 3*[2,1] = [7, 3]; C[f=1] = 2*[0,1] + 0*[5,5] = [0, 2].
  const acts = [1, 2, 3, 0], J = [1, 0, 0, 1, 2, 1, 5, 5];
  it('per-filter contributions (hand-computed)', () => {
    assertArraysClose(filterContributions(acts, 1, 2, J, 2), [7, 3, 0, 2], 0);
    assert.throws(() => filterContributions(acts, 1, 2, [1], 2), /jacobian has length 1, expected S\*F\*K = 8/);
  });
  it('masked logits = full logits minus the ablated filters\' contributions', () => {
    const C = filterContributions(acts, 1, 2, J, 2);
    const bias = [0.5, -1], full = [0.5 + 7 + 0, -1 + 3 + 2];
    const masks = new Float32Array([1, 1, 0, 1, 1, 0, 0, 0]);
    const z = maskedLogitsFromContributions(C, full, 2, 2, masks, [0, 1, 2, 3], [0, 0, 0, 0]);
    assertArraysClose(z, [7.5, 4, bias[0], -1 + 2, 7.5, 2, bias[0], bias[1]], 1e-6);
  });
});
