/**
 * Widget inputs are either plain row objects or an arquero table; this turns both into rows.
 * (Structural typing: the widgets never import arquero.)
 */

/** The part of an arquero table the widgets read. */
export interface TableLike {
  /** Column names in order. */
  columnNames(): string[];
  /** Rows after filtering. */
  numRows(): number;
  /** Row objects in table order (respects filter and orderby). */
  objects(options?: { limit?: number }): object[];
}

/** True for an arquero-like table. */
export function isTableLike(x: unknown): x is TableLike {
  return (
    typeof x === 'object' && x !== null &&
    typeof (x as TableLike).objects === 'function' &&
    typeof (x as TableLike).numRows === 'function' &&
    typeof (x as TableLike).columnNames === 'function'
  );
}

/**
 * Rows of an array or table.
 * @param input An array of row objects or an arquero table.
 * @param what Name of the widget, for error messages.
 * @returns The rows (the array itself, not a copy: callers must not mutate it).
 * @throws {Error} When the input is neither.
 */
export function toRows<T>(input: readonly T[] | TableLike, what: string): readonly T[] {
  if (Array.isArray(input)) return input;
  if (isTableLike(input)) return input.objects() as T[];
  throw new Error(`${what}: expected an array of rows or an arquero table, got ${input === null ? 'null' : typeof input}`);
}
