/**
 * Compact storage for many itemsets with their supports (flat typed arrays, not one JS array per
 * set), the result type of the itemset miners.
 */

/** Itemsets in compressed-row form; itemset `s` is `items[offsets[s] .. offsets[s+1])`, ascending. */
export interface ItemsetList {
  /** Number of itemsets. */
  readonly count: number;
  /** All itemsets' items concatenated, each itemset sorted ascending. */
  readonly items: Int32Array;
  /** count+1 offsets into `items`. */
  readonly offsets: Int32Array;
  /** Absolute support (transaction count) of each itemset. */
  readonly supports: Int32Array;
}

/** Receives one mined itemset: the first `len` entries of `items` (any order) and its support. */
export type ItemsetSink = (items: Int32Array, len: number, support: number) => void;

/** Accumulates itemsets from a miner's sink into an {@link ItemsetList}. */
export class ItemsetBuilder {
  private items = new Int32Array(1024);
  private offsets = new Int32Array(256);
  private supports = new Int32Array(256);
  private n = 0;
  private used = 0;

  /** The sink to hand to a miner; stores a sorted copy of each itemset. */
  readonly sink: ItemsetSink = (items, len, support) => {
    if (this.n + 2 > this.offsets.length) {
      this.offsets = grow(this.offsets, this.offsets.length * 2);
      this.supports = grow(this.supports, this.offsets.length);
    }
    if (this.used + len > this.items.length) this.items = grow(this.items, Math.max(this.items.length * 2, this.used + len));
    const dst = this.items.subarray(this.used, this.used + len);
    dst.set(items.subarray(0, len));
    dst.sort();
    this.used += len;
    this.supports[this.n] = support;
    this.n++;
    this.offsets[this.n] = this.used;
  };

  /** The collected itemsets (copies; the builder may keep collecting). */
  build(): ItemsetList {
    return { count: this.n, items: this.items.slice(0, this.used), offsets: this.offsets.slice(0, this.n + 1), supports: this.supports.slice(0, this.n) };
  }
}

function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/** Itemset `s` of a list as a plain array. */
export function itemsetAt(list: ItemsetList, s: number): number[] {
  return Array.from(list.items.subarray(list.offsets[s], list.offsets[s + 1]));
}

/** A string key for an ascending itemset (`'3 7 12'`), for hashing and comparisons. */
export function itemsetKey(items: ArrayLike<number>): string {
  return Array.prototype.join.call(items, ' ');
}

/** Keeps the itemsets whose index passes `keep`, in order. */
export function selectItemsets(list: ItemsetList, keep: (s: number) => boolean): ItemsetList {
  const b = new ItemsetBuilder();
  for (let s = 0; s < list.count; s++) {
    if (keep(s)) b.sink(list.items.subarray(list.offsets[s], list.offsets[s + 1]), list.offsets[s + 1] - list.offsets[s], list.supports[s]);
  }
  return b.build();
}

/** The list in canonical order: by size, then lexicographically by items. Returns a new list. */
export function sortItemsets(list: ItemsetList): ItemsetList {
  const idx = Array.from({ length: list.count }, (_, s) => s);
  idx.sort((a, b) => {
    const la = list.offsets[a + 1] - list.offsets[a], lb = list.offsets[b + 1] - list.offsets[b];
    if (la !== lb) return la - lb;
    for (let j = 0; j < la; j++) {
      const d = list.items[list.offsets[a] + j] - list.items[list.offsets[b] + j];
      if (d !== 0) return d;
    }
    return 0;
  });
  const b = new ItemsetBuilder();
  for (const s of idx) b.sink(list.items.subarray(list.offsets[s], list.offsets[s + 1]), list.offsets[s + 1] - list.offsets[s], list.supports[s]);
  return b.build();
}
