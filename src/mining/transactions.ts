/**
 * The transaction database the miners work on (docs/method.md, output of Pipeline step 3, input of step 4): one
 * transaction per patch, the indices of its top-k filters (best first) plus the patch's true class,
 * which is kept as its own column and never encoded as an item. Pure: no file I/O here (see
 * `load.ts`).
 */
import type { ColumnTable } from '../util/arquero';
import { splitCsvLine } from '../util/csv';

/**
 * Transactions in compressed-row form. Transaction `t` has items
 * `items[offsets[t]] .. items[offsets[t+1]-1]` (in the order given, best first for top-k
 * transactions), true class `classes[t]` and optional patch id `ids[t]`.
 */
export interface Transactions {
  /** All transactions' items concatenated; each item is an integer in [0, nItems). */
  readonly items: Int32Array;
  /** n+1 monotone offsets into `items`; `offsets[0] = 0`, `offsets[n] = items.length`. */
  readonly offsets: Int32Array;
  /** The true class of each transaction (non-negative integers). */
  readonly classes: Int32Array;
  /** Optional patch ids, one per transaction (default: the transaction index). */
  readonly ids?: Int32Array;
  /** Number of distinct possible items (filters); items are 0..nItems-1. */
  readonly nItems: number;
}

/** Options of {@link fromTransactionArrays}. */
export interface FromArraysOptions {
  /** Patch ids, one per transaction. */
  ids?: ArrayLike<number>;
  /** Number of possible items; default max item + 1. */
  nItems?: number;
}

/** Number of transactions. */
export function transactionCount(tx: Transactions): number {
  return tx.offsets.length - 1;
}

/** The patch id of transaction `t` (its index when `tx.ids` is absent). */
export function transactionId(tx: Transactions, t: number): number {
  return tx.ids ? tx.ids[t] : t;
}

/**
 * Builds transactions from plain arrays.
 * @param items one item list per transaction (non-negative integers, no repeats), best first
 * @param classes one true class per transaction; default all 0 (plain itemset mining)
 * @param options patch ids and item count
 * @returns validated {@link Transactions} (the inputs are copied, never kept or mutated)
 * @throws if an item or class is not a non-negative integer, an item repeats within a
 *   transaction, or the lengths disagree (the message names the transaction and value)
 * @example fromTransactionArrays([[1, 2], [2, 3]], [0, 1])
 */
export function fromTransactionArrays(
  items: ReadonlyArray<ArrayLike<number>>,
  classes?: ArrayLike<number>,
  options: FromArraysOptions = {},
): Transactions {
  return arraysToTransactions(items, classes, options, 'fromTransactionArrays');
}

function arraysToTransactions(
  items: ReadonlyArray<ArrayLike<number>>,
  classes: ArrayLike<number> | undefined,
  options: FromArraysOptions,
  who: string,
): Transactions {
  const n = items.length;
  if (classes !== undefined && classes.length !== n) {
    throw new Error(`${who}: ${n} item lists but ${classes.length} classes; expected one class per transaction`);
  }
  if (options.ids !== undefined && options.ids.length !== n) {
    throw new Error(`${who}: ${n} item lists but ${options.ids.length} ids; expected one id per transaction`);
  }
  const offsets = new Int32Array(n + 1);
  for (let t = 0; t < n; t++) offsets[t + 1] = offsets[t] + items[t].length;
  const flat = new Int32Array(offsets[n]);
  for (let t = 0; t < n; t++) {
    const row = items[t];
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (!isNonNegInt(v)) throw new Error(`${who}: transaction ${t}: item ${String(v)} is not a non-negative integer`);
      flat[offsets[t] + j] = v;
    }
  }
  const cls = new Int32Array(n);
  if (classes !== undefined) {
    for (let t = 0; t < n; t++) {
      const c = classes[t];
      if (!isNonNegInt(c)) throw new Error(`${who}: transaction ${t}: class ${String(c)} is not a non-negative integer`);
      cls[t] = c;
    }
  }
  const ids = options.ids === undefined ? undefined : toIntArray(options.ids, `${who}: id`);
  return checkTransactions({ items: flat, offsets, classes: cls, ids, nItems: options.nItems ?? maxPlusOne(flat) }, who);
}

/**
 * Parses FIMI text: one transaction per line, items as space-separated non-negative integers.
 * Blank lines are skipped (as SPMF and the FIMI tools do); all classes are 0.
 * @param text the file contents
 * @returns the transactions, ids = 1-based line numbers
 * @throws naming the line and token when a token is not a non-negative integer or repeats
 */
export function fromFimi(text: string): Transactions {
  const lines = text.split(/\r?\n/);
  const items: number[] = [];
  const offsets: number[] = [0];
  const ids: number[] = [];
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li].trim();
    if (line === '') continue;
    const start = items.length;
    for (const tok of line.split(/\s+/)) {
      const v = parseNonNegInt(tok);
      if (v < 0) throw new Error(`FIMI line ${li + 1}: item ${quoteToken(tok)} is not a non-negative integer`);
      for (let j = start; j < items.length; j++) {
        if (items[j] === v) throw new Error(`FIMI line ${li + 1}: item ${v} appears twice; expected distinct items per transaction`);
      }
      items.push(v);
    }
    offsets.push(items.length);
    ids.push(li + 1);
  }
  const flat = Int32Array.from(items);
  return { items: flat, offsets: Int32Array.from(offsets), classes: new Int32Array(ids.length), ids: Int32Array.from(ids), nItems: maxPlusOne(flat) };
}

/** Options of {@link fromTransactionsCsv} and {@link fromTransactionTable}. */
export interface TransactionColumnsOptions {
  /** Number of possible items (filters); default max item + 1. */
  nItems?: number;
}

const REQUIRED_COLUMNS = ['patch', 'class', 'items'] as const;

/**
 * Parses the extraction CSV: a header with (at least) the columns `patch,class,items`, then one row
 * per patch; `items` holds the top-k filter indices space-separated, best first. Other columns are
 * ignored. Fields may be double-quoted.
 * @param text the CSV contents
 * @returns the transactions (ids = the `patch` column)
 * @throws naming the line, column and value on a missing column, an empty or non-integer
 *   class or patch, a non-integer or repeated item, or a wrong number of fields
 */
export function fromTransactionsCsv(text: string, options: TransactionColumnsOptions = {}): Transactions {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new Error('transactions CSV: the file is empty; expected a header line patch,class,items');
  const header = splitCsvLine(lines[0], 'transactions CSV line 1').map((h) => h.trim());
  const col: Record<string, number> = {};
  for (const name of REQUIRED_COLUMNS) {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`transactions CSV line 1: missing column '${name}'; expected columns ${REQUIRED_COLUMNS.join(',')} (got ${header.join(',').slice(0, 200)})`);
    col[name] = i;
  }
  const items: number[] = [];
  const offsets: number[] = [0];
  const classes: number[] = [];
  const ids: number[] = [];
  for (let li = 1; li < lines.length; li++) {
    const lineNo = li + 1;
    const fields = splitCsvLine(lines[li], `transactions CSV line ${lineNo}`);
    if (fields.length !== header.length) {
      throw new Error(`transactions CSV line ${lineNo}: ${fields.length} fields, expected ${header.length} (${header.join(',')})`);
    }
    const cls = fields[col.class].trim();
    if (cls === '') throw new Error(`transactions CSV line ${lineNo}: class is empty; expected a non-negative integer`);
    const c = parseNonNegInt(cls);
    if (c < 0) throw new Error(`transactions CSV line ${lineNo}: class ${quoteToken(cls)} is not a non-negative integer`);
    const pat = fields[col.patch].trim();
    const p = parseNonNegInt(pat);
    if (p < 0) throw new Error(`transactions CSV line ${lineNo}: patch ${quoteToken(pat)} is not a non-negative integer`);
    const start = items.length;
    const itemText = fields[col.items].trim();
    if (itemText !== '') {
      for (const tok of itemText.split(/\s+/)) {
        const v = parseNonNegInt(tok);
        if (v < 0) throw new Error(`transactions CSV line ${lineNo}: item ${quoteToken(tok)} is not a non-negative integer`);
        for (let j = start; j < items.length; j++) {
          if (items[j] === v) throw new Error(`transactions CSV line ${lineNo}: item ${v} appears twice; expected distinct items`);
        }
        items.push(v);
      }
    }
    offsets.push(items.length);
    classes.push(c);
    ids.push(p);
  }
  const flat = Int32Array.from(items);
  return checkTransactions({
    items: flat, offsets: Int32Array.from(offsets), classes: Int32Array.from(classes), ids: Int32Array.from(ids),
    nItems: options.nItems ?? maxPlusOne(flat),
  }, 'transactions CSV');
}

/**
 * Builds transactions from an arquero table with columns `patch` (int), `class` (int) and `items`
 * (an array of ints, best first; a space-separated string is accepted too).
 * @throws naming the row and value on a missing column or a non-integer value
 */
export function fromTransactionTable(table: ColumnTable, options: TransactionColumnsOptions = {}): Transactions {
  const names = table.columnNames();
  for (const name of REQUIRED_COLUMNS) {
    if (!names.includes(name)) {
      throw new Error(`fromTransactionTable: missing column '${name}'; expected columns ${REQUIRED_COLUMNS.join(', ')} (got ${names.join(', ')})`);
    }
  }
  const n = table.numRows();
  const patch = table.array('patch');
  const cls = table.array('class');
  const its = table.array('items');
  const lists: ArrayLike<number>[] = new Array(n);
  const classes = new Int32Array(n);
  const ids = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const c = cls[r];
    if (!isNonNegInt(c)) throw new Error(`fromTransactionTable: row ${r}: class ${JSON.stringify(c)} is not a non-negative integer`);
    classes[r] = c as number;
    const p = patch[r];
    if (!isNonNegInt(p)) throw new Error(`fromTransactionTable: row ${r}: patch ${JSON.stringify(p)} is not a non-negative integer`);
    ids[r] = p as number;
    const v = its[r];
    let list: ArrayLike<unknown>;
    if (typeof v === 'string') list = v.trim() === '' ? [] : v.trim().split(/\s+/).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    else if (Array.isArray(v) || ArrayBuffer.isView(v)) list = v as ArrayLike<unknown>;
    else throw new Error(`fromTransactionTable: row ${r}: items ${JSON.stringify(v)} is not an array of integers`);
    for (let j = 0; j < list.length; j++) {
      if (!isNonNegInt(list[j])) throw new Error(`fromTransactionTable: row ${r}: item ${JSON.stringify(list[j])} is not a non-negative integer`);
    }
    lists[r] = list as ArrayLike<number>;
  }
  return arraysToTransactions(lists, classes, { ids, nItems: options.nItems }, 'fromTransactionTable');
}

/**
 * The transactions cut to their first `k` items (the top-k of best-first transactions), so one
 * extraction at the largest k serves every smaller k of a sweep.
 * @throws if k is not a positive integer
 */
export function topKTransactions(tx: Transactions, k: number): Transactions {
  if (!Number.isInteger(k) || k < 1) throw new Error(`topKTransactions: k must be a positive integer, got ${k}`);
  const n = transactionCount(tx);
  const offsets = new Int32Array(n + 1);
  for (let t = 0; t < n; t++) offsets[t + 1] = offsets[t] + Math.min(k, tx.offsets[t + 1] - tx.offsets[t]);
  const items = new Int32Array(offsets[n]);
  for (let t = 0; t < n; t++) items.set(tx.items.subarray(tx.offsets[t], tx.offsets[t] + offsets[t + 1] - offsets[t]), offsets[t]);
  return { items, offsets, classes: tx.classes, ids: tx.ids, nItems: tx.nItems };
}

/**
 * Checks the structural invariants of {@link Transactions} and returns it unchanged.
 * @throws naming the transaction and value when offsets are not monotone, an item is out of
 *   [0, nItems) or repeats within a transaction, a class is negative, or lengths disagree
 */
export function checkTransactions(tx: Transactions, who = 'transactions'): Transactions {
  const n = tx.offsets.length - 1;
  if (n < 0 || tx.offsets[0] !== 0 || tx.offsets[n] !== tx.items.length) {
    throw new Error(`${who}: offsets must start at 0 and end at items.length (${tx.items.length})`);
  }
  if (tx.classes.length !== n) throw new Error(`${who}: ${n} transactions but ${tx.classes.length} classes`);
  if (tx.ids && tx.ids.length !== n) throw new Error(`${who}: ${n} transactions but ${tx.ids.length} ids`);
  if (!Number.isInteger(tx.nItems) || tx.nItems < 0) throw new Error(`${who}: nItems must be a non-negative integer, got ${tx.nItems}`);
  // Repeats are found with a stamp per item id when ids are dense, else per transaction with a Set,
  // so memory follows the data, not the largest id.
  const stamp = tx.nItems <= denseLimit(tx.items.length) ? new Int32Array(tx.nItems).fill(-1) : null;
  const seen = new Set<number>();
  for (let t = 0; t < n; t++) {
    const a = tx.offsets[t], b = tx.offsets[t + 1];
    if (b < a) throw new Error(`${who}: offsets decrease at transaction ${t}`);
    if (tx.classes[t] < 0) throw new Error(`${who}: transaction ${t}: class ${tx.classes[t]} is negative`);
    seen.clear();
    for (let j = a; j < b; j++) {
      const v = tx.items[j];
      if (v < 0 || v >= tx.nItems) throw new Error(`${who}: transaction ${t}: item ${v} outside [0, ${tx.nItems})`);
      const repeated = stamp ? stamp[v] === t : seen.has(v);
      if (repeated) throw new Error(`${who}: transaction ${t}: item ${v} appears twice; expected distinct items`);
      if (stamp) stamp[v] = t; else seen.add(v);
    }
  }
  return tx;
}

/** Largest item-id range handled with per-id arrays for `itemCount` item occurrences. */
function denseLimit(itemCount: number): number {
  return 4 * itemCount + 4096;
}

/** Transactions over dense item ids and the original id of each dense one. */
export interface CompactedTransactions {
  /** The transactions with items renumbered 0..distinct-1, in the order of the original ids. */
  tx: Transactions;
  /** `itemIds[dense]` = the original item id; null when `tx` is the input unchanged. */
  itemIds: Int32Array | null;
}

/**
 * Renumbers sparse item ids (say one id of 1e9 among filters 0..511) to 0..distinct-1, keeping
 * their order, so miners that allocate per item id use memory by the number of distinct items.
 * Dense ids (range within a small factor of the data) are left as they are.
 * @returns the transactions to mine and the map back to the original ids
 */
export function compactItems(tx: Transactions): CompactedTransactions {
  if (tx.nItems <= denseLimit(tx.items.length)) return { tx, itemIds: null };
  const itemIds = Int32Array.from(new Set(tx.items)).sort();
  const dense = new Map<number, number>();
  itemIds.forEach((v, i) => dense.set(v, i));
  const items = tx.items.map((v) => dense.get(v)!);
  return { tx: { ...tx, items, nItems: itemIds.length }, itemIds };
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff;
}

/** Parses a decimal non-negative integer token; -1 when it is not one. */
function parseNonNegInt(tok: string): number {
  if (!/^\d{1,10}$/.test(tok)) return -1;
  const v = Number(tok);
  return v <= 0x7fffffff ? v : -1;
}

function maxPlusOne(a: Int32Array): number {
  let m = -1;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m + 1;
}

function toIntArray(a: ArrayLike<number>, what: string): Int32Array {
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isInteger(a[i])) throw new Error(`${what} ${String(a[i])} at index ${i} is not an integer`);
    out[i] = a[i];
  }
  return out;
}

/**
 * A token for an error message: in single quotes (JSON-escaped when it holds control or non-ASCII
 * characters) and cut to 40 characters, so a binary or minified file gives a one-line message.
 */
export function quoteToken(tok: string): string {
  const cut = tok.length > 40 ? tok.slice(0, 40) : tok;
  const body = /^[\x20-\x7e]*$/.test(cut) ? `'${cut}'` : JSON.stringify(cut);
  return tok.length > 40 ? `${body}... (${tok.length} characters)` : body;
}

