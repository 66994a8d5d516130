/**
 * The tuner's parameters and their checks, shared by the Node side (which refuses bad initial
 * values before encoding anything) and the page (which refuses bad control values before mining).
 * Pure: no Node or DOM modules.
 */
import { checkTopK, minerSupport, type SupportThreshold } from '../../mining/support';

/** The mining parameters the tuner's controls set. */
export interface TunerParams {
  /** Top-k filters per patch, 1 .. the largest k shipped with the data. */
  k: number;
  /** Minimum support within a class: `{ count }` transactions or `{ fraction }` of the class. */
  minSupport: { count: number } | { fraction: number };
  /** Minimum confidence P(class | filters), in [0, 1]. */
  minConfidence: number;
  /** Rules kept per class (>= 1). */
  topN: number;
  /** Longest filter set mined (>= 2, or null for no limit). */
  maxLength: number | null;
}

/** The paper's thresholds, with filter sets of at most 3 filters (bounds the time per re-mining). */
export const tunerDefaults: Readonly<TunerParams> = Object.freeze({ k: 10, minSupport: { count: 2 }, minConfidence: 0.5, topN: 10, maxLength: 3 });

/** A support given as a plain number or a named threshold, in the tuner's named form. */
export function namedSupport(s: SupportThreshold): TunerParams['minSupport'] {
  const v = minerSupport(s);
  return v >= 1 ? { count: v } : { fraction: v };
}

/**
 * Checks tuner parameters.
 * @param p the parameters
 * @param maxK the largest k available
 * @param maxKWhat what limits k, for the message
 * @returns the miner's options for these parameters
 * @throws naming the first bad value
 */
export function checkTunerParams(p: TunerParams, maxK: number, maxKWhat: string): { minSupport: number; minConfidence: number; topN: number; maxLength: number } {
  checkTopK(p.k, maxK, maxKWhat);
  const minSupport = minerSupport(p.minSupport);
  if (!(typeof p.minConfidence === 'number' && p.minConfidence >= 0 && p.minConfidence <= 1)) {
    throw new Error(`minimum confidence must be in [0, 1], got ${String(p.minConfidence)}`);
  }
  if (!(Number.isInteger(p.topN) && p.topN >= 1)) throw new Error(`top-N must be a whole number >= 1, got ${String(p.topN)}`);
  if (p.maxLength !== null && !(Number.isInteger(p.maxLength) && p.maxLength >= 2)) {
    throw new Error(`maximum length must be a whole number >= 2 (rules have at least 2 filters) or null for no limit, got ${String(p.maxLength)}`);
  }
  return { minSupport, minConfidence: p.minConfidence, topN: p.topN, maxLength: p.maxLength ?? Infinity };
}

/** The parameters as a line to paste into a notebook's parameters cell. */
export function tunerParamsLine(p: TunerParams): string {
  const s = 'count' in p.minSupport ? `{ count: ${p.minSupport.count} }` : `{ fraction: ${p.minSupport.fraction} }`;
  return `k: ${p.k}, minSupport: ${s}, minConfidence: ${p.minConfidence}, topN: ${p.topN}, maxLength: ${p.maxLength === null ? 'Infinity' : p.maxLength},`;
}
