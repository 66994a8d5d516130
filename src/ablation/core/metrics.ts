/**
 * Per-image scores of a batch of logits: top-1 correctness and the softmax probability of the
 * true class (docs/method.md, "Evaluation"). Pure: no tfjs.
 */

/** Per-row scores of a logits matrix. */
export interface LogitScores {
  /** 1 where the arg-max logit is the true class (ties: the lowest index wins, as `tf.argMax`). */
  correct: Uint8Array;
  /** Softmax probability of the true class (computed stably, max-subtracted). */
  trueProb: Float32Array;
}

/**
 * Scores each row of a row-major `[rows, numClasses]` logits matrix against its true class.
 * @param logits pre-softmax scores, `rows * numClasses` long
 * @param numClasses number of columns
 * @param labels true class per row
 * @throws if the lengths disagree or a label is not in [0, numClasses)
 */
export function scoreLogits(logits: ArrayLike<number>, numClasses: number, labels: ArrayLike<number>): LogitScores {
  const rows = labels.length;
  if (logits.length !== rows * numClasses) {
    throw new Error(`scoreLogits: expected ${rows} x ${numClasses} = ${rows * numClasses} logits, got ${logits.length}`);
  }
  const correct = new Uint8Array(rows);
  const trueProb = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const y = labels[r];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new Error(`scoreLogits: label ${y} of row ${r} is not a class index in [0, ${numClasses})`);
    }
    const o = r * numClasses;
    let best = 0, max = logits[o];
    for (let k = 1; k < numClasses; k++) if (logits[o + k] > max) { max = logits[o + k]; best = k; }
    let z = 0;
    for (let k = 0; k < numClasses; k++) z += Math.exp(logits[o + k] - max);
    correct[r] = best === y ? 1 : 0;
    trueProb[r] = Math.exp(logits[o + y] - max) / z;
  }
  return { correct, trueProb };
}
