/** Helpers shared by the CAM method definitions (pure). */

/** Returns `grads`, or throws if a gradient-based method was called without gradients. */
export function requireGradients(method: string, grads: Float32Array | null): Float32Array {
  if (grads == null) throw new Error(`CAM method '${method}' needs gradients, got null`);
  return grads;
}
