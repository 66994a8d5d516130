/**
 * Exact ablation through an affine head, in pure TypeScript. When everything after layer L is
 * affine in L's activation A (e.g. flatten or global average pooling followed by a linear dense
 * layer, batch norm in inference mode), the logits are `z(A) = b + J^T vec(A)` and masking is
 * linear in the mask: `z(A * m) = b + sum_f m_f C_f` with the per-filter contributions
 * `C[i, f, :] = sum_s A[i, s, f] J[s, f, :]`. So `z(A_i * m) = z(A_i) - sum_{f : m_f = 0} C[i, f, :]`:
 * a mask that ablates a few filters costs a few K-vector subtractions per image instead of a head
 * pass. This is the same computation as running the head on masked activations, reordered.
 */

/**
 * Per-image, per-filter logit contributions `C[i, f, k] = sum_s A[i, s, f] * J[s * F + f, k]`.
 * @param activations row-major `[n, S, F]` (NHWC flattened: S = H*W)
 * @param n images
 * @param F channels
 * @param jacobian row-major `[S * F, K]`: the head's linear map (row d = logits of the d-th unit input minus the bias)
 * @param K logits
 * @returns row-major `[n, F, K]` Float32Array (sums accumulated in float64)
 * @throws if the sizes disagree
 */
export function filterContributions(activations: ArrayLike<number>, n: number, F: number, jacobian: ArrayLike<number>, K: number): Float32Array {
  const S = activations.length / (n * F);
  if (!Number.isInteger(S) || S < 1) throw new Error(`filterContributions: activations of length ${activations.length} are not n (${n}) x S x F (${F})`);
  if (jacobian.length !== S * F * K) throw new Error(`filterContributions: jacobian has length ${jacobian.length}, expected S*F*K = ${S * F * K}`);
  const out = new Float32Array(n * F * K);
  const acc = new Float64Array(F * K);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    const base = i * S * F;
    for (let s = 0; s < S; s++) {
      for (let f = 0; f < F; f++) {
        const a = activations[base + s * F + f];
        if (a === 0) continue; // post-ReLU maps are sparse
        const j = (s * F + f) * K, o = f * K;
        for (let k = 0; k < K; k++) acc[o + k] += a * jacobian[j + k];
      }
    }
    for (let t = 0; t < F * K; t++) out[i * F * K + t] = acc[t];
  }
  return out;
}

/**
 * Logits of (mask, image) pairs from contributions: `bias + sum_f mask[row, f] * C[image, f, :]`,
 * computed as the unmasked logits minus the contributions of masked-out channels (a 0/1 mask
 * makes this exact; other mask values are handled by the general `(1 - m_f)` term).
 * @param contributions `[n, F, K]` from {@link filterContributions}
 * @param full `[n, K]` unmasked logits (`bias + sum_f C[i, f, :]`)
 * @param F channels
 * @param K logits
 * @param masks row-major `[rows, F]`
 * @param maskOf mask row per pair
 * @param imageOf image per pair
 * @returns row-major `[pairs, K]`
 */
export function maskedLogitsFromContributions(contributions: Float32Array, full: ArrayLike<number>, F: number, K: number,
  masks: Float32Array, maskOf: ArrayLike<number>, imageOf: ArrayLike<number>): Float32Array {
  const rows = masks.length / F;
  // The channels each mask row changes, and by how much (1 - m_f), listed once per row.
  const changed: { f: Int32Array; w: Float64Array }[] = [];
  for (let r = 0; r < rows; r++) {
    const fs: number[] = [], ws: number[] = [];
    for (let f = 0; f < F; f++) { const m = masks[r * F + f]; if (m !== 1) { fs.push(f); ws.push(1 - m); } }
    changed.push({ f: Int32Array.from(fs), w: Float64Array.from(ws) });
  }
  const out = new Float32Array(maskOf.length * K);
  const z = new Float64Array(K);
  for (let t = 0; t < maskOf.length; t++) {
    const i = imageOf[t];
    const { f: fs, w: ws } = changed[maskOf[t]];
    for (let k = 0; k < K; k++) z[k] = full[i * K + k];
    for (let j = 0; j < fs.length; j++) {
      const o = (i * F + fs[j]) * K, w = ws[j];
      for (let k = 0; k < K; k++) z[k] -= w * contributions[o + k];
    }
    for (let k = 0; k < K; k++) out[t * K + k] = z[k];
  }
  return out;
}
