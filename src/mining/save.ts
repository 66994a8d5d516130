/**
 * Writing mining results: each table as CSV (array cells space-separated, like the transaction
 * CSV's `items`) and as JSON (an array of row objects; non-finite numbers such as an infinite
 * conviction become null).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { ColumnTable } from '../util/arquero';
import { tableToCsv } from '../util/csv';

/** A table as CSV text with array-valued cells written space-separated, non-finite numbers empty (see `util/csv`). */
export function miningTableToCsv(table: ColumnTable): string {
  return tableToCsv(table);
}

/** A table as JSON text: an array of row objects. */
export function miningTableToJson(table: ColumnTable): string {
  return JSON.stringify(table.objects(), (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v));
}

/**
 * Writes named tables to a folder as NAME.csv and NAME.json (the folder is created).
 * @returns the paths written
 */
export async function saveMiningTables(dir: string, tables: Record<string, ColumnTable>): Promise<string[]> {
  await fsp.mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, table] of Object.entries(tables)) {
    const csv = path.join(dir, `${name}.csv`), json = path.join(dir, `${name}.json`);
    await fsp.writeFile(csv, miningTableToCsv(table));
    await fsp.writeFile(json, miningTableToJson(table) + '\n');
    written.push(csv, json);
  }
  return written;
}
