/**
 * File I/O for transactions: the async `loadX` twins of the pure `fromX` parsers in
 * `transactions.ts`.
 */
import { promises as fsp } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fromFimi, fromTransactionsCsv, type Transactions, type TransactionColumnsOptions } from './transactions';

/** Reads a text file (a name ending in `.gz` is gunzipped first), refusing binary content. */
async function readText(path: string, what: string, expected: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(path);
    if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what}: file '${path}' does not exist`);
    if (code === 'EISDIR') throw new Error(`${what}: '${path}' is a folder; expected ${expected}`);
    throw new Error(`${what}: cannot read '${path}': ${(e as Error).message}`);
  }
  if (bytes.subarray(0, 65536).includes(0)) {
    throw new Error(`${what}: '${path}' is a binary file (it contains NUL bytes); expected ${expected}`);
  }
  return bytes.toString('utf8');
}

const FIMI_TEXT = 'a text file with one transaction per line, items as space-separated integers';
const CSV_TEXT = 'a text CSV file with the columns patch,class,items';

/**
 * Reads a FIMI `.dat` file (one transaction per line, space-separated integer items).
 * @param path the file; a name ending in `.gz` is read gzip-compressed
 * @throws if the file does not exist or a line holds a non-integer item (see {@link fromFimi})
 */
export async function loadFimi(path: string): Promise<Transactions> {
  const text = await readText(path, 'loadFimi', FIMI_TEXT);
  try {
    return fromFimi(text);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/**
 * Reads the extraction CSV `patch,class,items` (items space-separated, best first).
 * @param path the file
 * @throws if the file does not exist or is malformed (see {@link fromTransactionsCsv})
 */
export async function loadTransactionsCsv(path: string, options: TransactionColumnsOptions = {}): Promise<Transactions> {
  const text = await readText(path, 'loadTransactionsCsv', CSV_TEXT);
  try {
    return fromTransactionsCsv(text, options);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}
