/**
 * Saving and loading transactions: Arrow IPC for tables, a raw little-endian float32 file with a
 * JSON header for the per-filter scores, and CSV `patch,class,items` (items space-separated,
 * best first) for other miners. `toX`/`fromX` are pure; `saveX`/`loadX` do the file I/O, and
 * every file is written atomically (temp file + rename).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { aq, float32, int32, list, type ColumnTable } from '../util/arquero';
import { checkTransactionStore, PATCH_COLUMNS, type PatchColumns, type TransactionStore } from './store';
import { fromTransactionsCsv } from '../mining/transactions';
import { tableToCsv } from '../util/csv';
import { writeFileAtomic } from '../util/files';

const INT_COLUMNS = new Set(['image', 'patch', 'x', 'y', 'size', 'label', 'pred', 'class']);
const FLOAT_COLUMNS = new Set(['score', 'drop']);

/**
 * A table as Arrow IPC (stream format) bytes with fixed column types: int32 for ids, boxes and
 * classes, float32 for score and drop, list<int32> for items. Other columns are inferred.
 */
export function transactionsToArrowIPC(table: ColumnTable): Uint8Array {
  const types: Record<string, unknown> = {};
  for (const name of table.columnNames()) {
    if (INT_COLUMNS.has(name)) types[name] = int32();
    else if (FLOAT_COLUMNS.has(name)) types[name] = float32();
    else if (name === 'items') types[name] = list(int32());
  }
  return aq.toArrowIPC(table, { types } as Parameters<typeof aq.toArrowIPC>[1]);
}

/** The table in Arrow IPC bytes, with `items` as plain `number[]` (as {@link transactionsForK} makes them). */
export function transactionsFromArrowIPC(bytes: Uint8Array): ColumnTable {
  const t = aq.fromArrow(bytes);
  const cols: Record<string, unknown> = {};
  for (const name of t.columnNames()) {
    const values = t.array(name) as ArrayLike<unknown>;
    cols[name] = name === 'items' ? Array.from(values as ArrayLike<ArrayLike<number>>, (a) => Array.from(a))
      : INT_COLUMNS.has(name) ? Int32Array.from(values as ArrayLike<number>)
      : FLOAT_COLUMNS.has(name) ? Float32Array.from(values as ArrayLike<number>)
      : values;
  }
  return aq.table(cols);
}

/**
 * The CSV a generic miner reads: header `patch,class,items`, one row per patch, items
 * space-separated, best first.
 * @throws if the table lacks one of the three columns
 */
export function transactionsToCsv(table: ColumnTable): string {
  for (const c of ['patch', 'class', 'items']) {
    if (!table.columnNames().includes(c)) throw new Error(`transactionsToCsv: the table has no '${c}' column (has ${table.columnNames().join(', ')})`);
  }
  return tableToCsv(table, ['patch', 'class', 'items']);
}

/**
 * Parses the CSV of {@link transactionsToCsv} (any CSV with columns patch, class, items; quoting
 * allowed) back into a table with columns patch, class, items. The one reader of this format is
 * `fromTransactionsCsv` (mining); this is its table form.
 * @throws naming the line, column and value that do not parse
 */
export function transactionsFromCsv(text: string): ColumnTable {
  const tx = fromTransactionsCsv(text);
  const n = tx.classes.length;
  const items: number[][] = [];
  for (let t = 0; t < n; t++) items.push(Array.from(tx.items.subarray(tx.offsets[t], tx.offsets[t + 1])));
  // fromTransactionsCsv keeps the patch column as the transaction ids.
  return aq.table({ patch: Int32Array.from(tx.ids ?? []), class: Int32Array.from(tx.classes), items });
}

/** The JSON header stored next to a raw scores file. */
export interface ScoresHeader {
  format: 'filtermine-scores';
  version: 1;
  dtype: 'float32';
  endianness: 'little';
  /** `[nPatches, nFilters]`, row-major. */
  shape: [number, number];
  layer?: string;
}

/** Float32 values as little-endian bytes (independent of the machine's byte order). */
export function float32ToBytesLE(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

/**
 * Little-endian bytes as float32 values.
 * @throws if the byte count is not a multiple of 4
 */
export function float32FromBytesLE(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new Error(`float32FromBytesLE: ${bytes.byteLength} bytes is not a multiple of 4`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** File names inside a saved store folder. */
export const STORE_FILES = { patches: 'patches.arrow', scores: 'scores.f32', header: 'scores.json' } as const;

/**
 * Saves a store to a folder: `patches.arrow` (patch columns), `scores.f32` (raw little-endian
 * float32, `[nPatches x nFilters]`) and `scores.json` (its header).
 */
export function saveTransactionStore(store: TransactionStore, dir: string): void {
  const n = checkTransactionStore(store);
  const header: ScoresHeader = {
    format: 'filtermine-scores', version: 1, dtype: 'float32', endianness: 'little', shape: [n, store.nFilters],
    ...(store.layer !== undefined ? { layer: store.layer } : {}),
  };
  const cols: Record<string, unknown> = {};
  for (const c of PATCH_COLUMNS) cols[c] = store.columns[c];
  writeFileAtomic(path.join(dir, STORE_FILES.patches), transactionsToArrowIPC(aq.table(cols)));
  writeFileAtomic(path.join(dir, STORE_FILES.scores), float32ToBytesLE(store.scores));
  writeFileAtomic(path.join(dir, STORE_FILES.header), JSON.stringify(header, null, 2) + '\n');
}

/**
 * Loads a store saved by {@link saveTransactionStore}.
 * @throws if a file is missing or the header and data disagree
 */
export function loadTransactionStore(dir: string): TransactionStore {
  const read = (name: string) => {
    const f = path.join(dir, name);
    if (!fs.existsSync(f)) throw new Error(`loadTransactionStore: ${f} is missing`);
    return fs.readFileSync(f);
  };
  const header = JSON.parse(read(STORE_FILES.header).toString('utf8')) as ScoresHeader;
  if (header.format !== 'filtermine-scores' || header.dtype !== 'float32' || header.endianness !== 'little') {
    throw new Error(`loadTransactionStore: ${path.join(dir, STORE_FILES.header)} is not a filtermine float32 little-endian scores header`);
  }
  const scores = float32FromBytesLE(read(STORE_FILES.scores));
  const t = transactionsFromArrowIPC(read(STORE_FILES.patches));
  const columns = {} as Record<string, Int32Array | Float32Array>;
  for (const c of PATCH_COLUMNS) columns[c] = FLOAT_COLUMNS.has(c) ? t.array(c, Float32Array) as Float32Array : t.array(c, Int32Array) as Int32Array;
  const store: TransactionStore = { columns: columns as unknown as PatchColumns, scores, nFilters: header.shape[1], layer: header.layer };
  if (checkTransactionStore(store) !== header.shape[0]) throw new Error(`loadTransactionStore: header says ${header.shape[0]} patches, the table has ${store.columns.patch.length}`);
  return store;
}

/** Saves a transaction table as Arrow IPC (`<base>.arrow`) and CSV (`<base>.csv`). */
export function saveTransactions(table: ColumnTable, base: string): void {
  writeFileAtomic(`${base}.arrow`, transactionsToArrowIPC(table));
  writeFileAtomic(`${base}.csv`, transactionsToCsv(table));
}

/** Loads a transaction table saved as Arrow IPC by {@link saveTransactions}. */
export function loadTransactions(file: string): ColumnTable {
  return transactionsFromArrowIPC(fs.readFileSync(file));
}
