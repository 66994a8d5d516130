/**
 * arquero tables (or arrays of row objects) rendered as readable HTML: every value escaped, numbers
 * formatted and right-aligned, arrays as '12 · 40 · 7', long tables cut with '… N more rows'.
 */
import type { Displayable } from './displayable';
import { escapeHtml } from './escape';
import { formatValue, type FormatOptions } from './format';
import { isTableLike, type TableLike } from './rows';

/** Options for {@link tableView}. */
export interface TableViewOptions extends FormatOptions {
  /** Most rows shown (default 20). */
  maxRows?: number;
  /** Columns to show, in order (default all). */
  columns?: readonly string[];
  /** Caption above the table. */
  caption?: string;
}

const defaults = { maxRows: 20 };

/**
 * The HTML of a table (pure).
 * @param input An arquero table or an array of row objects (columns taken from the rows' keys).
 * @param options Row limit, column choice, number digits, caption.
 * @returns The `<table>` markup in a `<div class="fm-table">`.
 * @throws {Error} For other inputs, a bad maxRows, or a requested column that does not exist.
 */
export function tableHtml(input: TableLike | readonly object[], options: TableViewOptions = {}): string {
  const maxRows = options.maxRows ?? defaults.maxRows;
  if (!Number.isInteger(maxRows) || maxRows < 0) throw new Error(`tableView: maxRows must be a non-negative integer, got ${maxRows}`);
  let all: string[];
  let total: number;
  let rows: Array<Record<string, unknown>>;
  if (isTableLike(input)) {
    all = input.columnNames();
    total = input.numRows();
    rows = input.objects({ limit: maxRows }) as Array<Record<string, unknown>>;
  } else if (Array.isArray(input)) {
    const keys = new Set<string>();
    for (const r of input) if (r && typeof r === 'object') for (const k of Object.keys(r)) keys.add(k);
    all = [...keys];
    total = input.length;
    rows = input.slice(0, maxRows) as Array<Record<string, unknown>>;
  } else {
    throw new Error(`tableView: expected an arquero table or an array of row objects, got ${input === null ? 'null' : typeof input}`);
  }
  const columns = options.columns ? [...options.columns] : all;
  for (const c of columns) if (!all.includes(c)) throw new Error(`tableView: no column '${c}'; columns are ${all.join(', ')}`);
  const numeric = columns.map((c) => {
    const vs = rows.map((r) => r[c]).filter((v) => v !== null && v !== undefined);
    return vs.length > 0 && vs.every((v) => typeof v === 'number' || typeof v === 'bigint');
  });
  const cellStyle = (i: number, tag: 'td' | 'th'): string =>
    `padding:2px 8px;border-bottom:1px solid ${tag === 'th' ? '#999' : '#e5e5e5'};` +
    (numeric[i] ? 'text-align:right;font-variant-numeric:tabular-nums' : 'text-align:left');
  const cell = (v: unknown, i: number, tag: 'td' | 'th'): string =>
    `<${tag} style="${cellStyle(i, tag)}">${escapeHtml(formatValue(v, options))}</${tag}>`;
  const head = `<thead><tr>${columns.map((c, i) => cell(c, i, 'th')).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${columns.map((c, i) => cell(r[c], i, 'td')).join('')}</tr>`).join('');
  const more = total > rows.length
    ? `<tfoot><tr><td colspan="${Math.max(1, columns.length)}" style="color:#666;font-style:italic">… ${escapeHtml(formatValue(total - rows.length))} more rows</td></tr></tfoot>`
    : '';
  const caption = `<caption style="text-align:left;font-weight:bold">${options.caption ? escapeHtml(options.caption) + ' · ' : ''}` +
    `<span style="font-weight:normal;color:#666">${escapeHtml(formatValue(total))} rows × ${columns.length} columns</span></caption>`;
  return (
    `<div class="fm-widget fm-table" style="overflow-x:auto"><table style="border-collapse:collapse;font:12px sans-serif">` +
    `${caption}${head}<tbody>${body}</tbody>${more}</table></div>`
  );
}

/**
 * A table widget.
 * @param input An arquero table or an array of row objects.
 * @param options See {@link TableViewOptions}.
 * @returns `{html}`.
 * @throws {Error} See {@link tableHtml}.
 * @example show(tableView(rules, {maxRows: 10, caption: 'top rules'}))
 */
export function tableView(input: TableLike | readonly object[], options: TableViewOptions = {}): Displayable {
  return { html: tableHtml(input, options) };
}
