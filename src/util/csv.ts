/**
 * CSV as filtermine reads and writes it (RFC 4180 quoting): one line splitter for every reader,
 * one cell formatter and one table writer for every CSV file it writes. List cells (a patch's
 * top-k filters, a rule's antecedent) are written space-separated inside one field.
 */
import type { ColumnTable } from './arquero';

/**
 * Splits one CSV line into fields; a field may be double-quoted (`""` is a quote inside it).
 * @param line the line, without its line break
 * @param where a prefix for errors, e.g. `transactions CSV line 7`
 * @throws on an unterminated quoted field or text after a closing quote
 */
export function splitCsvLine(line: string, where: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`${where}: unterminated quoted field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') { s += '"'; i += 2; continue; }
          i++;
          break;
        }
        s += line[i++];
      }
      out.push(s);
      if (i < line.length && line[i] !== ',') throw new Error(`${where}: text after a closing quote`);
    } else {
      const j = line.indexOf(',', i);
      out.push(j < 0 ? line.slice(i) : line.slice(i, j));
      i = j < 0 ? line.length : j;
    }
    if (i >= line.length) break;
    i++; // skip the comma
    if (i === line.length) { out.push(''); break; }
  }
  return out;
}

/**
 * One CSV field: null, undefined and non-finite numbers empty; arrays and typed arrays
 * space-separated; quoted when it holds a comma, a quote or a line break.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return '';
  const s = Array.isArray(value) || ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<unknown>).join(' ') : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A table as CSV text: a header of the column names, then one line per row (see {@link csvCell}).
 * @param table the table
 * @param columns the columns to write, in order (default: all)
 */
export function tableToCsv(table: ColumnTable, columns: readonly string[] = table.columnNames()): string {
  const arrays = columns.map((c) => table.array(c) as ArrayLike<unknown>);
  const lines = [columns.map(csvCell).join(',')];
  for (let r = 0; r < table.numRows(); r++) lines.push(arrays.map((a) => csvCell(a[r])).join(','));
  return lines.join('\n') + '\n';
}
