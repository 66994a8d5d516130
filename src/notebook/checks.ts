/**
 * Checks of a notebook's key numbers, called in its cells: a run that computes nonsense (or
 * nothing) fails with a message naming the number and what was expected, instead of publishing a
 * page that merely ran. Each check returns a one-line statement of what it verified, for the
 * cell to print.
 */

/** Bounds of {@link checkRange}: inclusive; either may be left out. */
export interface RangeBounds {
  min?: number;
  max?: number;
}

/**
 * Checks that a number is finite and within bounds.
 * @param what the number's name, for the message
 * @param value the number
 * @param bounds inclusive lower and/or upper bound
 * @returns a statement of the check
 * @throws naming the value and the expected range if it is outside (or not a finite number)
 * @example checkRange('patches per image', run.summary.patchesPerImage, { min: 1, max: 10 })
 */
export function checkRange(what: string, value: number, bounds: RangeBounds): string {
  const range = `${bounds.min ?? '-inf'} .. ${bounds.max ?? 'inf'}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`check failed: ${what} is ${String(value)}; expected a finite number in ${range}`);
  if ((bounds.min !== undefined && value < bounds.min) || (bounds.max !== undefined && value > bounds.max)) {
    throw new Error(`check failed: ${what} is ${value}; expected ${range}`);
  }
  return `ok: ${what} = ${+value.toPrecision(4)} (expected ${range})`;
}

/** The fields of an ablation result row these checks read (any row type with them will do). */
export interface AblationDropRow {
  variant: string;
  drop: number;
  filtersPerClass: number;
}

/** Options of {@link checkOursBeatsRandom}. */
export interface OursVsRandomOptions {
  /** How much larger Ours' drop must be than random's (fraction of images). Default 0. */
  margin?: number;
  /** The random baseline's variant name. Default `random-<k>` (same filter count as Ours-k). */
  randomVariant?: string;
}

/**
 * The method's key claim on a study: ablating the mined filters of each class (Ours-k) lowers the
 * accuracy on that class's images more than ablating as many random filters does.
 * @param rows the study's result rows (`ours-<k>` and the random baseline among them)
 * @param k the transaction size of the Ours variant checked
 * @returns a statement of the two drops
 * @throws listing the variants present if a row is missing, or stating both drops if Ours' is not
 *   larger by more than `margin`
 * @example console.log(fm.checkOursBeatsRandom(study.results, 10));
 */
export function checkOursBeatsRandom(rows: readonly AblationDropRow[], k: number, options: OursVsRandomOptions = {}): string {
  const margin = options.margin ?? 0;
  const oursName = `ours-${k}`, randomName = options.randomVariant ?? `random-${k}`;
  const find = (name: string): AblationDropRow => {
    const row = rows.find((r) => r.variant === name);
    if (!row) throw new Error(`check failed: no '${name}' row in the ablation results (variants: ${rows.map((r) => r.variant).join(', ') || 'none'})`);
    return row;
  };
  const ours = find(oursName), random = find(randomName);
  const pts = (x: number): string => `${(100 * x).toFixed(1)} points`;
  const text = `${oursName} drops accuracy by ${pts(ours.drop)} with ${ours.filtersPerClass.toFixed(1)} filters per class, ${randomName} by ${pts(random.drop)}`;
  if (!(ours.drop > random.drop + margin)) {
    throw new Error(`check failed: ${text}; expected ${oursName}'s drop to exceed ${randomName}'s${margin ? ` by more than ${pts(margin)}` : ''}`);
  }
  return `ok: ${text}`;
}
