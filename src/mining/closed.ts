/**
 * Closed and maximal itemsets, selected from the complete list of frequent itemsets.
 * A frequent itemset is *closed* when no proper superset has the same support, and *maximal* when
 * no proper superset is frequent. Because frequent itemsets are downward closed, it is enough to
 * look at supersets with one more item, so one hash pass over the list decides both.
 * When the list was mined with a maximum length L, "superset" means a superset of length <= L
 * (the closed/maximal sets of the length-bounded family).
 */
import { itemsetKey, selectItemsets, type ItemsetList } from './itemset-list';

/** Which frequent itemsets to keep. */
export type ItemsetKind = 'all' | 'closed' | 'maximal';

/**
 * The closed or maximal members of a complete frequent-itemset list (`'all'` returns it as is).
 * @param list every frequent itemset (as mined), each sorted ascending
 * @param kind 'all', 'closed' or 'maximal'
 * @returns a new list, same order
 * @throws on an unknown kind
 */
export function filterItemsets(list: ItemsetList, kind: ItemsetKind): ItemsetList {
  if (kind === 'all') return list;
  if (kind !== 'closed' && kind !== 'maximal') throw new Error(`filterItemsets: unknown kind '${String(kind)}'; expected all, closed or maximal`);
  const index = new Map<string, number>();
  for (let s = 0; s < list.count; s++) index.set(itemsetKey(list.items.subarray(list.offsets[s], list.offsets[s + 1])), s);
  const keep = new Uint8Array(list.count).fill(1);
  const sub: number[] = [];
  for (let s = 0; s < list.count; s++) {
    const a = list.offsets[s], b = list.offsets[s + 1];
    if (b - a < 2) continue;
    for (let drop = a; drop < b; drop++) {
      sub.length = 0;
      for (let j = a; j < b; j++) if (j !== drop) sub.push(list.items[j]);
      const x = index.get(itemsetKey(sub));
      if (x === undefined) continue; // cannot happen for a complete list; tolerate partial lists
      if (kind === 'maximal' || list.supports[x] === list.supports[s]) keep[x] = 0;
    }
  }
  return selectItemsets(list, (s) => keep[s] === 1);
}
