/**
 * `filtermine mine`: the paper's mining procedure (docs/method.md, Pipeline steps 4-6) on the transactions of an
 * extraction run folder (for one k) or on a CSV `patch,class,items`; writes the result tables to a
 * folder and a JSON summary to stdout.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { registerCommand } from '../registry';
import { intOption, numberOption, parseCommandArgs, requirePath } from '../options';
import { runTransactionTable } from '../run-folder';
import { checkRuleDefinition, classRuleDefaults, fromTransactionTable, loadTransactionsCsv, minePaperRules, resolveClassRuleOptions, saveMiningTables, transactionCount } from '../../mining';

const usage = `usage: filtermine mine --run DIR --k K [options]
       filtermine mine --transactions FILE.csv [options]

Mines filters -> class rules per class (Eclat on tid bitsets, exact top-N by support x
confidence), the filters of each class, class-specific and class-shared filters and filter sets,
and pattern groups. Prints a JSON summary (counts, timings in ms); with --out writes the tables
rules, classFilters, filters, filterSets, groups as CSV and JSON.

  --run DIR            an extraction run folder (filtermine extract --out DIR)
  --k K                which transaction size of the run to mine (default 5)
  --transactions FILE  instead of a run: a CSV with columns patch,class,items (items space-separated, best first)
  --min-support S      per class: integer >= 1 = transactions, (0,1) = fraction (default ${classRuleDefaults.minSupport})
  --min-confidence C   P(class | filters) in [0,1] (default ${classRuleDefaults.minConfidence})
  --confidence D       rule definition: standard (P(class | filters)) or authors (their code's
                       filter-to-filter confidence over all classes; docs/method.md) (default ${classRuleDefaults.ruleDefinition})
  --top-n N            rules kept per class (default ${classRuleDefaults.topN}; --top is a deprecated alias)
  --min-length N       smallest antecedent (default ${classRuleDefaults.minLength})
  --max-length N       largest antecedent (default: none)
  --no-groups          skip the pattern groups
  --out DIR            write the result tables here
`;

const numberFlag = (name: string, v: string | undefined): number | undefined => numberOption('mine', name, v);

/** Reads the first bytes of a file: an Arrow file (or other binary) is not a CSV. */
function looksBinary(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).includes(0) || head.subarray(0, 6).toString('latin1') === 'ARROW1';
  } finally {
    fs.closeSync(fd);
  }
}

registerCommand({
  name: 'mine',
  summary: 'mine filters -> class rules, class-specific/shared filters and pattern groups',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs('mine', argv, {
      run: { type: 'string' }, k: { type: 'string' }, transactions: { type: 'string' }, 'min-support': { type: 'string' }, 'min-confidence': { type: 'string' },
      confidence: { type: 'string' }, 'top-n': { type: 'string' }, 'min-length': { type: 'string' }, 'max-length': { type: 'string' },
      'no-groups': { type: 'boolean' }, out: { type: 'string' },
    }, { top: 'top-n' });
    // A folder given as --transactions is a run folder.
    if (values.transactions && !values.run && fs.existsSync(values.transactions) && fs.statSync(values.transactions).isDirectory()) {
      values.run = values.transactions;
      values.transactions = undefined;
    }
    if (!values.transactions === !values.run) {
      process.stderr.write(`mine: give either --run DIR (an extraction run folder) or --transactions FILE.csv\n\n${usage}`);
      return 2;
    }
    const options = {
      ruleDefinition: values.confidence === undefined ? undefined : checkRuleDefinition(values.confidence, 'mine: --confidence'),
      minSupport: numberFlag('min-support', values['min-support']),
      minConfidence: numberFlag('min-confidence', values['min-confidence']),
      topN: numberFlag('top-n', values['top-n']),
      minLength: numberFlag('min-length', values['min-length']),
      maxLength: numberFlag('max-length', values['max-length']),
      groups: !values['no-groups'],
    };
    if (options.minLength !== undefined && options.maxLength !== undefined && options.minLength > options.maxLength) {
      throw new Error(`mine: --min-length ${options.minLength} is above --max-length ${options.maxLength}; no rule can satisfy both (expected --min-length <= --max-length)`);
    }
    resolveClassRuleOptions(options); // every threshold checked before the transactions are read
    const t0 = performance.now();
    let tx;
    const k = intOption('mine', 'k', values.k, 1);
    if (values.run) {
      requirePath('mine', '--run', values.run, 'folder', 'an extraction run folder (filtermine extract --out DIR)');
      const { table, nFilters } = runTransactionTable('mine', values.run, k ?? 5);
      tx = fromTransactionTable(table, nFilters !== undefined ? { nItems: nFilters } : {});
    } else {
      const file = values.transactions!;
      requirePath('mine', '--transactions', file, 'file', 'a CSV file with columns patch,class,items');
      if (k !== undefined) throw new Error('mine: --k selects the transactions of a run folder (--run DIR); a CSV holds one k already');
      if (looksBinary(file)) {
        throw new Error(`mine: --transactions '${file}' is not a CSV text file${/\.arrow$/i.test(file) ? ' (it is an Arrow table)' : ''}; ` +
          `to mine an extraction run, pass its folder: filtermine mine --run DIR --k K`);
      }
      tx = await loadTransactionsCsv(file);
    }
    if (transactionCount(tx) === 0) {
      throw new Error(values.run ? `mine: the run ${values.run} has no transactions for k = ${k ?? 5} (no patch was extracted)`
        : `mine: ${values.transactions} has a header but no transactions; expected one row per patch (patch,class,items)`);
    }
    const load = performance.now() - t0;
    const result = minePaperRules(tx, options);
    let write = 0;
    if (values.out) {
      const t1 = performance.now();
      const { rules, classFilters, filters, filterSets, groups } = result;
      await saveMiningTables(values.out, values['no-groups'] ? { rules, classFilters, filters, filterSets } : { rules, classFilters, filters, filterSets, groups });
      write = performance.now() - t1;
    }
    const round = (x: number): number => Math.round(x * 10) / 10;
    const summary = {
      ...(values.run ? { run: values.run, k: k ?? 5 } : { transactions: values.transactions }),
      out: values.out ?? null,
      options: { ...result.options, maxLength: Number.isFinite(result.options.maxLength) ? result.options.maxLength : null },
      counts: result.counts,
      timingsMs: { load: round(load), ...Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, round(v)])), write: round(write) },
    };
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return 0;
  },
});
