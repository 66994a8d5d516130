/**
 * `filtermine itemsets`: frequent (closed, maximal) itemsets of a FIMI `.dat` file.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { registerCommand } from '../registry';
import { absoluteSupport, itemsetAlgorithmNames, loadFimi, mineItemsets, countItemsets, transactionCount } from '../../mining';

const usage = `usage: filtermine itemsets FILE.dat --min-support S [options]

Counts the frequent itemsets of a FIMI file (one transaction per line, space-separated integer
items) and, with --print, lists them as "items #SUP: support", one per line.

  --min-support S    integer >= 1 = transactions, (0,1) = fraction of the transactions (required)
  --closed           only closed itemsets (no superset with the same support)
  --maximal          only maximal itemsets (no frequent superset)
  --algorithm NAME   ${itemsetAlgorithmNames().join(' | ')} (default eclat)
  --max-length N     largest itemset size (default: none)
  --print            also print the itemsets
`;

registerCommand({
  name: 'itemsets',
  summary: 'frequent / closed / maximal itemsets of a FIMI .dat file (Eclat or FP-Growth)',
  usage,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        'min-support': { type: 'string' }, closed: { type: 'boolean' }, maximal: { type: 'boolean' },
        algorithm: { type: 'string' }, 'max-length': { type: 'string' }, print: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1 || values['min-support'] === undefined) {
      process.stderr.write(`itemsets: expected one FILE.dat and --min-support\n\n${usage}`);
      return 2;
    }
    if (values.closed && values.maximal) throw new Error('itemsets: --closed and --maximal exclude each other');
    const s = values['min-support'];
    const minSupport = Number(s);
    if (s.trim() === '' || !Number.isFinite(minSupport)) throw new Error(`itemsets: --min-support must be a number, got '${s}'`);
    let maxLength = Infinity;
    if (values['max-length'] !== undefined) {
      maxLength = Number(values['max-length']);
      if (!Number.isInteger(maxLength) || maxLength < 1) throw new Error(`itemsets: --max-length must be a positive integer, got '${values['max-length']}'`);
    }
    const tx = await loadFimi(positionals[0]);
    const n = transactionCount(tx);
    if (n === 0) throw new Error(`itemsets: ${positionals[0]} holds no transactions (empty, or blank lines only); expected one transaction per line`);
    const minCount = absoluteSupport(minSupport, n);
    const kind = values.closed ? 'closed' : values.maximal ? 'maximal' : 'all';
    const algorithm = values.algorithm ?? 'eclat';
    const t0 = performance.now();
    const out: string[] = [];
    let count: number;
    if (kind === 'all' && !values.print) {
      count = countItemsets(tx, { minSupport, algorithm, maxLength });
    } else {
      const list = mineItemsets(tx, { minSupport, algorithm, maxLength, kind });
      count = list.count;
      if (values.print) {
        for (let i = 0; i < list.count; i++) {
          out.push(`${Array.from(list.items.subarray(list.offsets[i], list.offsets[i + 1])).join(' ')} #SUP: ${list.supports[i]}`);
        }
      }
    }
    const ms = performance.now() - t0;
    const label = kind === 'all' ? 'frequent' : kind;
    process.stdout.write(`${count} ${label} itemsets (minimum support ${minCount} of ${n} transactions, ${algorithm}, ${ms.toFixed(1)} ms)\n`);
    if (out.length) process.stdout.write(out.join('\n') + '\n');
    return 0;
  },
});
