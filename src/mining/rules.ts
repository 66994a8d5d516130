/**
 * Association-rule interest measures from counts. For a rule `A -> C` over `n` transactions with
 * `count(A ∪ C) = nAC`, `count(A) = nA`, `count(C) = nC`:
 * support = nAC / n, confidence = nAC / nA, lift = confidence / (nC / n),
 * leverage = nAC / n - (nA / n)(nC / n), conviction = (1 - nC / n) / (1 - confidence)
 * (Infinity when confidence is 1).
 */

/** The interest measures of one rule. */
export interface RuleMetrics {
  /** Relative support of `A ∪ C`, nAC / n. */
  support: number;
  /** P(C | A) = nAC / nA. */
  confidence: number;
  /** confidence / P(C). */
  lift: number;
  /** P(A ∪ C) - P(A) P(C). */
  leverage: number;
  /** (1 - P(C)) / (1 - confidence); Infinity for confidence 1. */
  conviction: number;
}

/**
 * Computes support, confidence, lift, leverage and conviction of `A -> C` from counts.
 * @param nAC transactions containing A and C
 * @param nA transactions containing A
 * @param nC transactions containing C
 * @param n all transactions
 * @throws unless 0 <= nAC <= min(nA, nC), max(nA, nC) <= n, nA > 0 and n > 0
 * @example ruleMetrics(2, 4, 3, 10) // support .2, confidence .5, lift 5/3, leverage .08, conviction 1.4
 */
export function ruleMetrics(nAC: number, nA: number, nC: number, n: number): RuleMetrics {
  if (!(n > 0 && nA > 0 && nAC >= 0 && nAC <= nA && nAC <= nC && nA <= n && nC <= n)) {
    throw new Error(`ruleMetrics: inconsistent counts nAC=${nAC}, nA=${nA}, nC=${nC}, n=${n}; expected 0 <= nAC <= min(nA, nC), 0 < nA, nC <= n`);
  }
  const pC = nC / n;
  const confidence = nAC / nA;
  return {
    support: nAC / n,
    confidence,
    lift: pC > 0 ? confidence / pC : NaN,
    leverage: nAC / n - (nA / n) * pC,
    conviction: confidence === 1 ? Infinity : (1 - pC) / (1 - confidence),
  };
}
