/**
 * Charts of rules and filters (vega-lite): support x confidence of the mined rules, filters per
 * class, and the class x filter matrix of class-specific and class-shared filters (docs/method.md,
 * "Mine" and "Class-specific and class-shared filters").
 */
import type { Displayable } from './displayable';
import { chartHtml, type ChartOptions } from './chart-html';
import { escapeHtml } from './escape';
import { formatValue } from './format';
import { toRows, type TableLike } from './rows';
import { vegaLiteToSvg } from './vega-render';

/** A mined rule `antecedent -> class`. */
export interface RuleRow {
  /** The rule's class (consequent). */
  class: string | number;
  /** Filter indices of the antecedent. */
  antecedent: readonly number[] | ArrayLike<number>;
  /** Number of the class's transactions containing the antecedent. */
  support: number;
  /** P(class | antecedent), in [0, 1]. */
  confidence: number;
}

/** One filter of one class, from the class-specific / class-shared analysis. */
export interface ClassFilterRow {
  /** The class. */
  class: string | number;
  /** Filter (channel) index. */
  filter: number;
  /** 'specific': in the kept rules of this class only; 'shared': in the rules of two or more classes. */
  kind: 'specific' | 'shared';
  /** Support of the filter in this class's rules. */
  support: number;
}

/** Options for the vega-lite charts. */
export interface RuleChartOptions extends ChartOptions {
  /** Chart title. */
  title?: string;
  /** Plot width in pixels (default 480; the matrix uses it as a maximum for its cells). */
  width?: number;
}

const schema = 'https://vega.github.io/schema/vega-lite/v6.json';
const kindScale = { domain: ['specific', 'shared'], range: ['#d62728', '#7f7f7f'] };

function fail(what: string, i: number, row: unknown, msg: string): never {
  throw new Error(`${what}: row ${i} ${JSON.stringify(row)}: ${msg}`);
}

function checkClass(what: string, i: number, r: { class?: unknown }): string {
  if (typeof r.class !== 'string' && typeof r.class !== 'number') fail(what, i, r, 'class must be a string or number');
  return String(r.class);
}

function titled(title: string | undefined): object {
  return title ? { title } : {};
}

/**
 * Vega-lite spec of the rules' support x confidence scatter (pure; snapshot-tested).
 * @param input Rule rows or an arquero table with columns class, antecedent, support, confidence.
 * @param options Title and width.
 * @returns The vega-lite spec with inline data.
 * @throws {Error} For an empty input or a malformed row.
 */
export function rulesScatterSpec(input: readonly RuleRow[] | TableLike, options: RuleChartOptions = {}): object {
  const rows = toRows(input, 'rulesScatter');
  if (rows.length === 0) throw new Error('rulesScatter: no rules');
  const values = rows.map((r, i) => {
    const cls = checkClass('rulesScatter', i, r);
    const a = r.antecedent;
    if (!a || typeof a !== 'object' || typeof a.length !== 'number' || a.length === 0) fail('rulesScatter', i, r, 'antecedent must be a non-empty array of filter indices');
    if (!(Number.isFinite(r.support) && r.support >= 0)) fail('rulesScatter', i, r, 'support must be a finite number >= 0');
    if (!(r.confidence >= 0 && r.confidence <= 1)) fail('rulesScatter', i, r, 'confidence must be in [0, 1]');
    return { class: cls, antecedent: formatValue(Array.from(a)), filters: a.length, support: r.support, confidence: r.confidence };
  });
  const classes = new Set(values.map((v) => v.class)).size;
  return {
    $schema: schema,
    ...titled(options.title),
    width: options.width ?? 480,
    height: 320,
    data: { values },
    mark: { type: 'point', filled: true, opacity: 0.75 },
    encoding: {
      x: { field: 'support', type: 'quantitative', title: 'support (transactions)', scale: { zero: false } },
      y: { field: 'confidence', type: 'quantitative', title: 'confidence P(class | filters)', scale: { domain: [0, 1] } },
      color: { field: 'class', type: 'nominal', ...(classes > 20 ? { legend: null } : {}) },
      size: { field: 'filters', type: 'quantitative', title: 'filters in rule', scale: { range: [30, 200] }, legend: { tickMinStep: 1, format: 'd' } },
      tooltip: [
        { field: 'class', type: 'nominal' },
        { field: 'antecedent', type: 'nominal', title: 'filters' },
        { field: 'support', type: 'quantitative' },
        { field: 'confidence', type: 'quantitative', format: '.3f' },
      ],
    },
  };
}

/** Validates class-filter rows: types, duplicates, and 'specific' filters in one class only. */
function classFilterValues(what: string, input: readonly ClassFilterRow[] | TableLike): Array<{ class: string; filter: number; kind: string; support: number; classes: number }> {
  const rows = toRows(input, what);
  if (rows.length === 0) throw new Error(`${what}: no rows`);
  const seen = new Set<string>();
  const classesOf = new Map<number, Set<string>>();
  const parsed = rows.map((r, i) => {
    const cls = checkClass(what, i, r);
    if (!Number.isInteger(r.filter) || r.filter < 0) fail(what, i, r, 'filter must be a non-negative integer');
    if (r.kind !== 'specific' && r.kind !== 'shared') fail(what, i, r, "kind must be 'specific' or 'shared'");
    if (!(Number.isFinite(r.support) && r.support >= 0)) fail(what, i, r, 'support must be a finite number >= 0');
    const key = JSON.stringify([cls, r.filter]);
    if (seen.has(key)) fail(what, i, r, `duplicate (class, filter)`);
    seen.add(key);
    let s = classesOf.get(r.filter);
    if (!s) classesOf.set(r.filter, (s = new Set()));
    s.add(cls);
    return { class: cls, filter: r.filter, kind: r.kind, support: r.support };
  });
  return parsed.map((p, i) => {
    const classes = (classesOf.get(p.filter) as Set<string>).size;
    if (p.kind === 'specific' && classes > 1) fail(what, i, rows[i], `filter ${p.filter} is marked 'specific' but appears in ${classes} classes`);
    return { ...p, classes };
  });
}

/** Distinct classes in order of first appearance (axis order). */
function classOrder(values: ReadonlyArray<{ class: string }>): string[] {
  return [...new Set(values.map((v) => v.class))];
}

/**
 * Vega-lite spec of the filters-per-class bar chart, stacked by class-specific / class-shared.
 * @param input Class-filter rows or an arquero table (class, filter, kind, support).
 * @param options Title and width.
 * @returns The vega-lite spec.
 * @throws {Error} For an empty input, a malformed or duplicate row, or an inconsistent 'specific'.
 */
export function filtersPerClassSpec(input: readonly ClassFilterRow[] | TableLike, options: RuleChartOptions = {}): object {
  const values = classFilterValues('filtersPerClass', input);
  const classes = classOrder(values);
  return {
    $schema: schema,
    ...titled(options.title),
    width: options.width ?? 480,
    height: { step: 18 },
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'class', type: 'nominal', sort: classes, title: 'class' },
      x: { aggregate: 'count', type: 'quantitative', title: 'filters' },
      color: { field: 'kind', type: 'nominal', scale: kindScale, title: 'filter' },
      order: { field: 'kind', sort: 'descending' },
      tooltip: [
        { field: 'class', type: 'nominal' },
        { field: 'kind', type: 'nominal' },
        { aggregate: 'count', type: 'quantitative', title: 'filters' },
      ],
    },
  };
}

/**
 * Vega-lite spec of the class x filter matrix: a cell per (class, filter) used by the class's rules,
 * red for class-specific, grey for class-shared, opacity by support; hover shows how many classes
 * share the filter.
 * @param input Class-filter rows or an arquero table (class, filter, kind, support).
 * @param options Title and width.
 * @returns The vega-lite spec.
 * @throws {Error} As {@link filtersPerClassSpec}.
 */
export function classFilterMatrixSpec(input: readonly ClassFilterRow[] | TableLike, options: RuleChartOptions = {}): object {
  const values = classFilterValues('classFilterMatrix', input);
  const classes = classOrder(values);
  const filters = [...new Set(values.map((v) => v.filter))].sort((a, b) => a - b);
  const step = Math.max(3, Math.min(16, Math.floor((options.width ?? 480) / filters.length)));
  return {
    $schema: schema,
    ...titled(options.title),
    width: { step },
    height: { step: 16 },
    data: { values },
    mark: { type: 'rect', stroke: 'white', strokeWidth: step > 6 ? 0.5 : 0 },
    encoding: {
      x: { field: 'filter', type: 'ordinal', sort: filters, title: 'filter', axis: { labelAngle: -90, labelOverlap: 'greedy' } },
      y: { field: 'class', type: 'nominal', sort: classes, title: 'class' },
      color: { field: 'kind', type: 'nominal', scale: kindScale, title: 'filter' },
      opacity: { field: 'support', type: 'quantitative', scale: { range: [0.35, 1] }, legend: null },
      tooltip: [
        { field: 'class', type: 'nominal' },
        { field: 'filter', type: 'ordinal' },
        { field: 'kind', type: 'nominal' },
        { field: 'support', type: 'quantitative' },
        { field: 'classes', type: 'quantitative', title: 'classes using it' },
      ],
    },
  };
}

/**
 * The output for an empty result: a clear message in place of the chart (never an exception, so a
 * notebook run continues).
 * @param title The chart's title (or what it would show).
 * @param message What is empty and what to change.
 */
export function emptyResult(title: string, message: string): Displayable {
  return {
    html: `<div class="fm-widget fm-empty" data-fm-kind="empty" style="font:13px sans-serif;padding:6px 8px;border-left:3px solid #d62728;background:#fff5f5">` +
      `<b>${escapeHtml(title)}</b>: ${escapeHtml(message)}</div>`,
  };
}

const emptyMessages = {
  rules: 'no rule passes these thresholds; lower the minimum support or confidence, or raise k',
  filters: 'no class has a kept rule, so there are no class filters; lower the thresholds or raise k',
};

/** Renders a vega-lite spec as a Displayable (interactive + static SVG). */
export async function vegaDisplayable(spec: object, options: ChartOptions = {}): Promise<Displayable> {
  const svg = options.staticFallback === false ? undefined : await vegaLiteToSvg(spec);
  return { html: chartHtml('vega-lite', spec, svg ?? '', options), svg, spec };
}

/**
 * Support x confidence scatter of the mined rules, coloured by class, sized by rule length.
 * @param input Rule rows or an arquero table.
 * @param options Title, width, library mode.
 * @returns `{html, svg?, spec}`; for no rules, a message ({@link emptyResult}).
 * @throws {Error} For a malformed row.
 */
export async function rulesScatter(input: readonly RuleRow[] | TableLike, options: RuleChartOptions = {}): Promise<Displayable> {
  if (toRows(input, 'rulesScatter').length === 0) return emptyResult(options.title ?? 'rules', emptyMessages.rules);
  return vegaDisplayable(rulesScatterSpec(input, options), options);
}

/**
 * Filters per class, split into class-specific and class-shared.
 * @param input Class-filter rows or an arquero table.
 * @param options Title, width, library mode.
 * @returns `{html, svg?, spec}`.
 * @throws {Error} See {@link filtersPerClassSpec}.
 */
export async function filtersPerClassChart(input: readonly ClassFilterRow[] | TableLike, options: RuleChartOptions = {}): Promise<Displayable> {
  if (toRows(input, 'filtersPerClass').length === 0) return emptyResult(options.title ?? 'filters per class', emptyMessages.filters);
  return vegaDisplayable(filtersPerClassSpec(input, options), options);
}

/**
 * The class x filter matrix of class-specific and class-shared filters.
 * @param input Class-filter rows or an arquero table.
 * @param options Title, width, library mode.
 * @returns `{html, svg?, spec}`.
 * @throws {Error} See {@link classFilterMatrixSpec}.
 */
export async function classFilterMatrix(input: readonly ClassFilterRow[] | TableLike, options: RuleChartOptions = {}): Promise<Displayable> {
  if (toRows(input, 'classFilterMatrix').length === 0) return emptyResult(options.title ?? 'class x filter', emptyMessages.filters);
  return vegaDisplayable(classFilterMatrixSpec(input, options), options);
}
