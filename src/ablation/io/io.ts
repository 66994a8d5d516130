/**
 * Saving the ablation tables: `<name>.json` (an array of row objects) and `<name>.csv` (list
 * cells such as `filters` written space-separated, best first, as the transactions CSV does).
 * I/O at the edge of the area.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AblationTable } from './table';

/** Row objects of a table, with lists as plain arrays and non-finite numbers as null (JSON-safe). */
export function tableRows(table: AblationTable): Record<string, unknown>[] {
  return (table.objects() as Record<string, unknown>[]).map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) {
      out[k] = typeof v === 'number' && !Number.isFinite(v) ? null : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
    }
    return out;
  });
}

/**
 * A table as CSV text: header of the column names, list cells space-separated, null/NaN empty.
 * @param table the table
 */
export function ablationTableToCsv(table: AblationTable): string {
  const cols = table.columnNames();
  const cell = (v: unknown): string => {
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
    const s = Array.isArray(v) ? v.join(' ') : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [cols.join(','), ...tableRows(table).map((r) => cols.map((c) => cell(r[c])).join(','))];
  return lines.join('\n') + '\n';
}

/**
 * Writes each table as `<dir>/<name>.json` and `<dir>/<name>.csv` (creating `dir`), each file
 * written to a temporary name and renamed, so a crash never leaves a half-written table.
 * @param dir output folder
 * @param tables tables by file base name
 * @returns the paths written
 */
export function saveAblationTables(dir: string, tables: Readonly<Record<string, AblationTable>>): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (file: string, text: string) => {
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
    written.push(file);
  };
  for (const [name, table] of Object.entries(tables)) {
    write(path.join(dir, `${name}.json`), JSON.stringify(tableRows(table), null, 1) + '\n');
    write(path.join(dir, `${name}.csv`), ablationTableToCsv(table));
  }
  return written;
}
