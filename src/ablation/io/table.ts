/**
 * The arquero boundary of the ablation area: result rows to column tables with a fixed column
 * order (so an empty result still has its columns).
 */
// @ts-ignore TS1479: arquero is ESM-only; Node 20 loads it through require(esm), and its types still resolve.
import * as aq from 'arquero';

/** An arquero column table. */
export type AblationTable = aq.ColumnTable;

/**
 * A table with the given columns, in order, from row objects.
 * @param rows one object per row; missing keys become null
 * @param columns column names, in order
 */
export function tableFromRows<R extends object>(rows: readonly R[], columns: readonly (keyof R & string)[]): AblationTable {
  const data: Record<string, unknown[]> = {};
  for (const c of columns) data[c] = rows.map((r) => (r as Record<string, unknown>)[c] ?? null);
  return aq.table(data);
}

