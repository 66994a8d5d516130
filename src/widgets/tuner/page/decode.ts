/**
 * Browser side: decoding the tuner's embedded data (base64 of zlib-deflated typed arrays) with the
 * browser's own DecompressionStream, and building the transactions of any k from the shipped top-k.
 */
import { topKTransactions, type Transactions } from '../../../mining/transactions';
import type { TunerData } from '../data';

/** The decoded arrays of a {@link TunerData}. */
export interface DecodedTuner {
  data: TunerData;
  /** `n * maxK` filter indices, best first per patch. */
  items: Uint8Array | Uint16Array;
  labels: Uint16Array;
  windows: { slot: Int32Array; x: Uint16Array; y: Uint16Array; size: Uint16Array } | null;
  pixels: Uint8Array | null;
}

/** The browser's DecompressionStream (not in TypeScript 5.0's DOM library). */
type Decompressor = new (format: 'deflate') => TransformStream<Uint8Array, Uint8Array>;

async function inflate(b64: string): Promise<ArrayBuffer> {
  const DecompressionStream = (globalThis as { DecompressionStream?: Decompressor }).DecompressionStream;
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (!DecompressionStream) throw new Error('this browser lacks DecompressionStream (needs Chromium 80, Firefox 113, Safari 16.4 or newer)');
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Response(stream).arrayBuffer();
}

/** Decodes every array of the data (checking lengths). */
export async function decodeTuner(data: TunerData): Promise<DecodedTuner> {
  if (data.format !== 'filtermine-tuner-1') throw new Error(`tuner: unknown data format '${String(data.format)}'`);
  const [itemsBuf, labelsBuf] = await Promise.all([inflate(data.items), inflate(data.labels)]);
  const items = data.itemBytes === 1 ? new Uint8Array(itemsBuf) : new Uint16Array(itemsBuf);
  const labels = new Uint16Array(labelsBuf);
  if (items.length !== data.n * data.maxK || labels.length !== data.n) {
    throw new Error(`tuner: damaged data (${items.length} items for ${data.n} patches x ${data.maxK}, ${labels.length} labels)`);
  }
  let windows: DecodedTuner['windows'] = null;
  let pixels: Uint8Array | null = null;
  if (data.windows && data.images) {
    const [slot, x, y, size, pix] = await Promise.all([data.windows.slot, data.windows.x, data.windows.y, data.windows.size, data.images.pixels].map(inflate));
    windows = { slot: new Int32Array(slot), x: new Uint16Array(x), y: new Uint16Array(y), size: new Uint16Array(size) };
    pixels = new Uint8Array(pix);
  }
  return { data, items, labels, windows, pixels };
}

/** The transactions of the first `k` shipped filters of every patch (ids = patch positions), cut by the core's {@link topKTransactions}. */
export function transactionsAtK(d: DecodedTuner, k: number): Transactions {
  const { n, maxK, nFilters } = d.data;
  const shipped: Transactions = { items: Int32Array.from(d.items), offsets: Int32Array.from({ length: n + 1 }, (_, p) => p * maxK), classes: Int32Array.from(d.labels), nItems: nFilters };
  return topKTransactions(shipped, k);
}
