/**
 * FP-Growth (Han, Pei, Yin 2000): compress the transactions into a prefix tree ordered by
 * descending item support, then mine it recursively through conditional pattern bases. A second,
 * independent algorithm next to Eclat; both must return the same itemsets.
 */
import type { ItemsetSink } from './itemset-list';
import { transactionCount, type Transactions } from './transactions';
import { frequentItems } from './support';

/** A prefix tree over item ranks 0..m-1 (rank 0 = most frequent), nodes in growable typed arrays. */
class FpTree {
  item: Int32Array;
  count: Int32Array;
  parent: Int32Array;
  child: Int32Array;
  sibling: Int32Array;
  link: Int32Array;
  size = 1; // node 0 is the root
  readonly head: Int32Array;
  readonly total: Int32Array;

  constructor(m: number, capacity = 64) {
    this.item = new Int32Array(capacity);
    this.count = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.child = new Int32Array(capacity).fill(-1);
    this.sibling = new Int32Array(capacity).fill(-1);
    this.link = new Int32Array(capacity).fill(-1);
    this.item[0] = -1;
    this.parent[0] = -1;
    this.head = new Int32Array(m).fill(-1);
    this.total = new Int32Array(m);
  }

  private grow(): void {
    const cap = this.item.length * 2;
    const g = (a: Int32Array, fill: number): Int32Array => { const b = new Int32Array(cap).fill(fill); b.set(a); return b; };
    this.item = g(this.item, 0); this.count = g(this.count, 0); this.parent = g(this.parent, 0);
    this.child = g(this.child, -1); this.sibling = g(this.sibling, -1); this.link = g(this.link, -1);
  }

  /** Adds a path of ranks (strictly increasing) with multiplicity `cnt`. */
  insert(path: Int32Array, len: number, cnt: number): void {
    let node = 0;
    for (let k = 0; k < len; k++) {
      const it = path[k];
      let c = this.child[node];
      while (c >= 0 && this.item[c] !== it) c = this.sibling[c];
      if (c < 0) {
        if (this.size === this.item.length) this.grow();
        c = this.size++;
        this.item[c] = it;
        this.parent[c] = node;
        this.sibling[c] = this.child[node];
        this.child[node] = c;
        this.link[c] = this.head[it];
        this.head[it] = c;
      }
      this.count[c] += cnt;
      this.total[it] += cnt;
      node = c;
    }
  }
}

/**
 * Emits every itemset with support >= minCount and at most maxLength items, by FP-Growth.
 * @param tx the transactions (classes ignored)
 * @param minCount absolute minimum support (>= 1)
 * @param maxLength maximum itemset size (Infinity for none)
 * @param emit receives each frequent itemset (item ids) and its support
 */
export function fpGrowth(tx: Transactions, minCount: number, maxLength: number, emit: ItemsetSink): void {
  const n = transactionCount(tx);
  const { support, items: freq, rank } = frequentItems(tx, minCount, 'descending');
  const m = freq.length;
  if (m === 0 || maxLength < 1) return;

  const tree = new FpTree(m, Math.max(64, tx.items.length + 1));
  const path = new Int32Array(m);
  for (let t = 0; t < n; t++) {
    let len = 0;
    for (let j = tx.offsets[t]; j < tx.offsets[t + 1]; j++) {
      const r = rank[tx.items[j]];
      if (r >= 0) path[len++] = r;
    }
    path.subarray(0, len).sort();
    tree.insert(path, len, 1);
  }

  const prefix = new Int32Array(m);
  const condCount = new Int32Array(m);
  const buf = new Int32Array(m);

  const mine = (tr: FpTree, depth: number): void => {
    for (let it = m - 1; it >= 0; it--) {
      const sup = tr.total[it];
      if (sup < minCount) continue;
      prefix[depth] = freq[it];
      emit(prefix, depth + 1, sup);
      if (depth + 1 >= maxLength) continue;
      // Conditional pattern base of `it`: the paths above its nodes, weighted by the node counts.
      let any = false;
      for (let node = tr.head[it]; node >= 0; node = tr.link[node]) {
        const cnt = tr.count[node];
        for (let p = tr.parent[node]; p > 0; p = tr.parent[p]) condCount[tr.item[p]] += cnt;
      }
      for (let r = 0; r < it; r++) if (condCount[r] >= minCount) { any = true; break; }
      if (any) {
        const cond = new FpTree(m);
        for (let node = tr.head[it]; node >= 0; node = tr.link[node]) {
          let len = 0;
          for (let p = tr.parent[node]; p > 0; p = tr.parent[p]) {
            if (condCount[tr.item[p]] >= minCount) buf[len++] = tr.item[p];
          }
          if (len === 0) continue;
          for (let a = 0, b = len - 1; a < b; a++, b--) { const x = buf[a]; buf[a] = buf[b]; buf[b] = x; }
          cond.insert(buf, len, tr.count[node]);
        }
        // Conditional trees are mined before the next sibling item reuses `condCount`.
        condCount.fill(0, 0, it);
        mine(cond, depth + 1);
      } else {
        condCount.fill(0, 0, it);
      }
    }
  };
  mine(tree, 0);
}
