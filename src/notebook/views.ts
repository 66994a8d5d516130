/**
 * From pipeline results to the inputs of the widgets (pure): image stacks, patch boxes of a
 * pattern group or class, per-class filter rows for the rule charts, curve rows, and a plain
 * description of an ablation table computed from its numbers.
 */
import type { CurvePoint } from '../ablation/core/curves';
import type { StudyComparisonRow } from '../ablation/study/study';
import type { AblationClassRow, AblationResultRow } from '../ablation/core/evaluate';
import { imageChannels, type ImageSet } from '../data/image-set';
import type { ColumnTable } from '../util/arquero';
import type { AblationCurveRow } from '../widgets/ablation-curve';
import type { ImageStack } from '../widgets/raster';
import type { PatchBox } from '../widgets/mosaic';
import type { ClassFilterRow, RuleRow } from '../widgets/rule-charts';

/** The images of a set as a widget image stack (0..255, the set's channels). */
export function imageStackOf(set: Pick<ImageSet, 'images' | 'width' | 'height' | 'channels'>): ImageStack {
  return { pixels: set.images, width: set.width, height: set.height, channels: imageChannels(set) };
}

/** A patch of a transaction table row, as a mosaic box plus its labels. */
export interface PatchRecord extends PatchBox {
  /** Global patch id. */
  patch: number;
  label: number;
  pred: number;
  score: number;
}

/**
 * The patch boxes of the given patch ids (rows of a transaction table with columns patch, image,
 * x, y, size, label, pred, score), in the order of `ids`.
 * @throws naming an id that is not in the table
 */
export function patchBoxes(transactions: ColumnTable, ids: ArrayLike<number>): PatchRecord[] {
  const col = (name: string) => transactions.array(name) as ArrayLike<number>;
  const patch = col('patch'), image = col('image'), x = col('x'), y = col('y'), size = col('size');
  const label = col('label'), pred = col('pred'), score = col('score');
  const row = new Map<number, number>();
  for (let i = 0; i < patch.length; i++) row.set(patch[i], i);
  return Array.from(ids, (id) => {
    const i = row.get(id);
    if (i === undefined) throw new Error(`patchBoxes: patch ${id} is not in the transaction table (${patch.length} patches)`);
    return { patch: id, image: image[i], x: x[i], y: y[i], size: size[i], label: label[i], pred: pred[i], score: score[i] };
  });
}

/** Rows of the mining `groups` table as plain objects. */
export interface GroupRow {
  group: number;
  antecedent: number[];
  patches: number[];
  size: number;
  majorityClass: number;
  majorityCount: number;
  purity: number;
  ruleClasses: number[];
}

/**
 * The largest pattern groups, biggest first (ties: lower group id).
 * @param groups the mining `groups` table
 * @param count how many
 * @param minSize only groups with at least this many patches. Default 1.
 */
export function largestGroups(groups: ColumnTable, count: number, minSize = 1): GroupRow[] {
  const rows = groups.objects() as unknown as GroupRow[];
  return rows.filter((g) => g.size >= minSize).sort((a, b) => b.size - a.size || a.group - b.group).slice(0, count)
    .map((g) => ({ ...g, antecedent: Array.from(g.antecedent), patches: Array.from(g.patches), ruleClasses: Array.from(g.ruleClasses) }));
}

/**
 * Per (class, filter) rows for `filtersPerClassChart` / `classFilterMatrix` from the mining
 * `filters` table (filter, classes, kind, supports), with class names, in class index order (then filter).
 */
export function classFilterRowsOf(filters: ColumnTable, classNames: readonly string[]): ClassFilterRow[] {
  const out: (ClassFilterRow & { index: number })[] = [];
  for (const r of filters.objects() as unknown as { filter: number; classes: ArrayLike<number>; kind: 'specific' | 'shared'; supports: ArrayLike<number> }[]) {
    for (let i = 0; i < r.classes.length; i++) {
      out.push({ index: r.classes[i], class: classNames[r.classes[i]] ?? String(r.classes[i]), filter: r.filter, kind: r.kind, support: r.supports[i] });
    }
  }
  // Class index order (the charts' class axes follow row order): the dataset's label order, the same
  // in every chart and table, rather than the order in which filters happen to mention classes.
  return out.sort((a, b) => a.index - b.index || a.filter - b.filter).map(({ index: _i, ...row }) => row);
}

/** The mining `rules` table as rule rows with class names (for `rulesScatter`). */
export function ruleRowsOf(rules: ColumnTable, classNames: readonly string[]): RuleRow[] {
  return (rules.objects() as unknown as { class: number; antecedent: ArrayLike<number>; support: number; confidence: number }[])
    .map((r) => ({ class: classNames[r.class] ?? String(r.class), antecedent: Array.from(r.antecedent), support: r.support, confidence: r.confidence }));
}

/**
 * Curve points as ablation-curve rows (overall curves only): `ranked` and `random` orders of the
 * chosen methods, accuracy in percent.
 * @param curves the study's curve points
 * @param methods sources to keep, e.g. `['ours-10', 'vebi']`. Default: all.
 * @param orders orders to keep. Default `['ranked', 'random']`.
 */
export function curveRowsOf(curves: readonly CurvePoint[], methods?: readonly string[], orders: readonly string[] = ['ranked', 'random']): AblationCurveRow[] {
  return curves
    .filter((p) => p.class === null && orders.includes(p.order) && (!methods || methods.includes(p.source)))
    .map((p) => ({ method: p.method, k: p.k, n: p.n, accuracy: 100 * p.accuracy, std: p.order === 'ranked' ? null : 100 * p.std }));
}

const pct = (x: number): string => (100 * x).toFixed(1);

/**
 * An accuracy change in words, never a negative drop: "a drop of 3.2 points", "no drop" (under 0.05
 * points either way), "a gain of 0.4 points".
 * @param drop accuracy without ablation minus accuracy with it, as a fraction
 */
export function describeDrop(drop: number): string {
  if (pct(Math.abs(drop)) === '0.0') return 'no drop';
  return drop > 0 ? `a drop of ${pct(drop)} points` : `a gain of ${pct(-drop)} points`;
}

/**
 * How a variant's accuracy compares with the spread of its random baseline's draws (their 95%
 * interval over draws, `accuracyLow`..`accuracyHigh`): below the interval the variant hurts more than
 * random filters, inside it about as much, above it less. With a single draw there is no spread,
 * and the text says so.
 */
function versusRandom(r: AblationResultRow, rnd: AblationResultRow): string {
  const spread = rnd.draws > 1 ? `95% of ${rnd.draws} draws in ${pct(rnd.accuracyLow)}-${pct(rnd.accuracyHigh)}%` : 'a single draw, so no spread to judge against';
  const verdict = r.accuracy < rnd.accuracyLow ? 'more than' : r.accuracy > rnd.accuracyHigh ? 'less than' : 'about as much as';
  return ` Random filters of the same count give ${pct(rnd.accuracy)}% (${spread}), so the mined filters hurt ${verdict} random ones` +
    (rnd.draws > 1 ? (verdict === 'about as much as' ? ' (inside the spread of the draws).' : ' (outside the spread of the draws).') : '.');
}

/**
 * A plain-language reading of an ablation table, computed from its numbers (never hard-coded):
 * baseline accuracy, each Ours-k against the spread of its matched random baseline's draws, VEBI,
 * specific vs shared, and own-class vs other-class drops. Accuracy changes read "a drop of x
 * points", "no drop" or "a gain of x points".
 * @param model a model name for the text
 * @param rows the study's result rows (must include `none`)
 * @returns markdown
 * @throws if the `none` row is missing
 */
export function describeAblation(model: string, rows: readonly (AblationResultRow & { ofOracle?: number })[], comparisons: readonly StudyComparisonRow[] = []): string {
  const by = new Map(rows.map((r) => [r.variant, r]));
  const none = by.get('none');
  if (!none) throw new Error(`describeAblation: no 'none' row among ${rows.map((r) => r.variant).join(', ')}`);
  const lines: string[] = [`**${model}**: without ablation, top-1 accuracy is ${pct(none.accuracy)}%.`];
  const ours = rows.filter((r) => r.selector === 'mined' && r.k !== null);
  for (const r of ours) {
    const rnd = by.get(`random-${r.k}`);
    const spec = r.drop - r.otherDrop;
    lines.push(`- Ours-${r.k} ablates ${r.filtersPerClass.toFixed(1)} filters per class: accuracy ${pct(r.accuracy)}% (${describeDrop(r.drop)}).${rnd ? versusRandom(r, rnd) : ''}` +
      ` On other classes' images the same masks give ${describeDrop(r.otherDrop)}, ` +
      (spec > 0.01 ? `less than on the class's own images: the filters are to some degree class-specific.` : `about as much as on own images: the filters are not specific to their class.`));
  }
  if (ours.length) {
    const best = ours.reduce((a, b) => (b.accuracy < a.accuracy ? b : a));
    lines.push(`- The lowest accuracy among the Ours-k variants is Ours-${best.k}'s (${describeDrop(best.drop)}).`);
    const spec = by.get(`ours-${best.k}-specific`), shared = by.get(`ours-${best.k}-shared`);
    if (spec && shared) {
      lines.push(`- Of Ours-${best.k}'s filters, the class-specific ones alone (${spec.filtersPerClass.toFixed(1)} per class) give ${describeDrop(spec.drop)}, the class-shared ones alone (${shared.filtersPerClass.toFixed(1)} per class) ${describeDrop(shared.drop)}.`);
    }
  }
  const vebi = by.get('vebi'), rv = by.get('random-vebi');
  if (vebi) {
    lines.push(`- VEBI ablates ${vebi.filtersPerClass.toFixed(1)} filters per class: accuracy ${pct(vebi.accuracy)}% (${describeDrop(vebi.drop)})` +
      (rv ? `; random filters of the same count: ${pct(rv.accuracy)}%${rv.draws > 1 ? ` (95% of draws in ${pct(rv.accuracyLow)}-${pct(rv.accuracyHigh)}%)` : ''}.` : '.'));
  }
  for (const r of ours) {
    if (r.ofOracle !== undefined && Number.isFinite(r.ofOracle)) lines.push(`- Ours-${r.k}'s drop is ${r.ofOracle.toFixed(2)} of the greedy oracle's at the same counts.`);
  }
  for (const c of comparisons) {
    if (c.reference.startsWith('random') || !c.variant.startsWith('ours-')) continue;
    // A clear difference: the bootstrap interval excludes 0 and the sign-flip test rejects at 5%.
    const sure = (c.low > 0 || c.high < 0) && c.pValue < 0.05;
    const size = pct(Math.abs(c.meanDifference)) === '0.0' ? 'as much (under 0.05 points apart)' : `${c.meanDifference > 0 ? 'more' : 'less'} by ${pct(Math.abs(c.meanDifference))} points`;
    lines.push(`- ${c.variant} vs ${c.reference} (same counts): hurts its class ${size} on average over classes ` +
      `(95% interval ${pct(c.low)} to ${pct(c.high)}, sign-flip p = ${c.pValue.toFixed(3)}, more in ${c.wins} classes, less in ${c.losses})` +
      (sure ? (c.meanDifference > 0 ? ': the method beats this reference.' : ': this reference beats the method.') : ': no clear difference (interval including 0 or p >= 0.05).'));
  }
  return lines.join('\n');
}

/**
 * The per-class ablation table side by side: one row per class, in class index order (the
 * dataset's label order, the same for every model and variant, so tables line up row by row),
 * named; per variant its accuracy on the class's own images in % and, for ablated variants, the
 * filters ablated and the drop in points.
 * @param rows the study's per-class rows
 * @param variants the variants to show, e.g. `['none', 'ours-10', 'random-10']`
 * @throws if a variant has no per-class rows
 */
export function perClassTableOf(rows: readonly AblationClassRow[], variants: readonly string[]): Record<string, string | number>[] {
  const round = (x: number) => Math.round(1000 * x) / 10;
  const byClass = new Map<number, Record<string, string | number>>();
  for (const v of variants) {
    const own = rows.filter((r) => r.variant === v);
    if (!own.length) throw new Error(`perClassTableOf: no per-class rows of variant '${v}' (variants: ${[...new Set(rows.map((r) => r.variant))].join(', ')})`);
    for (const r of own) {
      const out = byClass.get(r.class) ?? { class: r.className, images: r.images };
      out[`${v} acc (%)`] = round(r.accuracy);
      if (v !== 'none') {
        out[`${v} filters`] = Math.round(10 * r.filters) / 10;
        out[`${v} drop (points)`] = round(r.drop);
      }
      byClass.set(r.class, out);
    }
  }
  return [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

/**
 * Rows with the named fraction columns (accuracies, 0..1) shown in percent, one decimal, the header
 * renamed `<column> (%)`, so every table reads accuracy in one unit; other columns are kept.
 * @param rows an arquero table or row objects
 * @param columns the fraction columns, e.g. `['accuracy', 'otherAccuracy']`
 * @throws if a row holds a non-number (other than null) in one of the columns
 */
export function inPercent(rows: ColumnTable | readonly object[], columns: readonly string[]): Record<string, unknown>[] {
  const list = (Array.isArray(rows) ? rows : (rows as ColumnTable).objects()) as Record<string, unknown>[];
  return list.map((r, i) => {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(r)) {
      if (!columns.includes(key)) { out[key] = v; continue; }
      if (v !== null && typeof v !== 'number') throw new Error(`inPercent: row ${i} column '${key}' is ${JSON.stringify(v)}, expected a fraction (number)`);
      out[`${key} (%)`] = v === null ? null : Math.round(1000 * v) / 10;
    }
    return out;
  });
}

/** Columns holding class ids in the mining tables. */
const CLASS_COLUMNS = ['class', 'classes', 'label', 'pred', 'majorityClass', 'ruleClasses'];

/**
 * Rows of a table with class ids replaced by class names (in `class`, `classes`, `label`, `pred`,
 * `majorityClass`, `ruleClasses` by default), for tables a reader can follow.
 * @param rows an arquero table or row objects
 * @param classNames names by class id (an id without a name is kept as a number)
 * @param columns the columns holding class ids
 */
export function withClassNames(rows: ColumnTable | readonly object[], classNames: readonly string[], columns: readonly string[] = CLASS_COLUMNS): Record<string, unknown>[] {
  const list = (Array.isArray(rows) ? rows : (rows as ColumnTable).objects()) as Record<string, unknown>[];
  const name = (v: unknown): unknown => (typeof v === 'number' && classNames[v] !== undefined ? classNames[v] : v);
  return list.map((r) => {
    const out: Record<string, unknown> = { ...r };
    for (const c of columns) {
      const v = r[c];
      if (v === undefined) continue;
      out[c] = typeof v === 'object' && v !== null && typeof (v as ArrayLike<unknown>).length === 'number' ? Array.from(v as ArrayLike<unknown>, name) : name(v);
    }
    return out;
  });
}
