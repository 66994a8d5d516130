/** Small shared inputs for the widget tests. */
import type { AblationCurveRow, ClassFilterRow, RuleRow } from '../../src/widgets';

/** The class name every escaping test uses. */
export const evilClass = '<img src=x onerror=alert(1)>';

/** Ablation rows: ours at k=5 and k=10, random with a spread, a no-ablation baseline. */
export function ablationRows(): AblationCurveRow[] {
  return [
    { method: 'none', k: null, n: 0, accuracy: 0.9125, std: null },
    { method: 'ours', k: 10, n: 10, accuracy: 0.4567 },
    { method: 'ours', k: 10, n: 2, accuracy: 0.8012 },
    { method: 'ours', k: 10, n: 5, accuracy: 0.6234 },
    { method: 'ours', k: 5, n: 2, accuracy: 0.8511 },
    { method: 'ours', k: 5, n: 5, accuracy: 0.7123456789 },
    { method: 'ours', k: 5, n: 10, accuracy: 0.5517 },
    { method: 'random', k: 10, n: 2, accuracy: 0.91, std: 0.004 },
    { method: 'random', k: 10, n: 5, accuracy: 0.905, std: 0.006 },
    { method: 'random', k: 10, n: 10, accuracy: 0.8939, std: 0.011 },
  ];
}

/** Rules of three classes, one with the hostile name. */
export function ruleRows(): RuleRow[] {
  return [
    { class: 'T-shirt', antecedent: [12, 40, 7], support: 31, confidence: 0.82 },
    { class: 'T-shirt', antecedent: [12, 3], support: 18, confidence: 0.61 },
    { class: 'Bag', antecedent: [5, 40], support: 44, confidence: 0.97 },
    { class: evilClass, antecedent: [5, 9], support: 9, confidence: 0.55 },
  ];
}

/** Class-filter rows consistent with {@link ruleRows}: 40 and 5 shared, the rest specific. */
export function classFilterRows(): ClassFilterRow[] {
  return [
    { class: 'T-shirt', filter: 12, kind: 'specific', support: 31 },
    { class: 'T-shirt', filter: 40, kind: 'shared', support: 31 },
    { class: 'T-shirt', filter: 7, kind: 'specific', support: 31 },
    { class: 'T-shirt', filter: 3, kind: 'specific', support: 18 },
    { class: 'Bag', filter: 5, kind: 'shared', support: 44 },
    { class: 'Bag', filter: 40, kind: 'shared', support: 44 },
    { class: evilClass, filter: 5, kind: 'shared', support: 9 },
    { class: evilClass, filter: 9, kind: 'specific', support: 9 },
  ];
}

/** Deep-freezes rows so a widget that mutates its input throws in strict mode. */
export function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !ArrayBuffer.isView(x)) {
    for (const v of Object.values(x as object)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}
