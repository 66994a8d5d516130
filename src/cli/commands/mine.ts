/**
 * `filtermine mine`: the paper's mining procedure (docs/method.md, Pipeline steps 4-6) on an extraction CSV
 * `patch,class,items`; writes the result tables to a folder and a JSON summary to stdout.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { registerCommand } from '../registry';
import { checkRuleDefinition, classRuleDefaults, loadTransactionsCsv, minePaperRules, resolveClassRuleOptions, saveMiningTables, transactionCount } from '../../mining';

const usage = `usage: filtermine mine --transactions FILE.csv [options]

Mines filters -> class rules per class (Eclat on tid bitsets, exact top-N by support x
confidence), the filters of each class, class-specific and class-shared filters and filter sets,
and pattern groups. Prints a JSON summary (counts, timings in ms); with --out writes the tables
rules, classFilters, filters, filterSets, groups as CSV and JSON.

  --transactions FILE  CSV with columns patch,class,items (items space-separated, best first)
  --min-support S      per class: integer >= 1 = transactions, (0,1) = fraction (default ${classRuleDefaults.minSupport})
  --min-confidence C   P(class | filters) in [0,1] (default ${classRuleDefaults.minConfidence})
  --confidence D       rule definition: standard (P(class | filters)) or authors (their code's
                       filter-to-filter confidence over all classes; docs/method.md) (default ${classRuleDefaults.ruleDefinition})
  --top N              rules kept per class (default ${classRuleDefaults.topN})
  --min-length N       smallest antecedent (default ${classRuleDefaults.minLength})
  --max-length N       largest antecedent (default: none)
  --no-groups          skip the pattern groups
  --out DIR            write the result tables here
`;

/** Parses a numeric flag, naming it on failure. */
function numberFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new Error(`mine: --${name} must be a number, got '${v}'`);
  return x;
}

registerCommand({
  name: 'mine',
  summary: 'mine filters -> class rules, class-specific/shared filters and pattern groups',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        transactions: { type: 'string' }, 'min-support': { type: 'string' }, 'min-confidence': { type: 'string' },
        confidence: { type: 'string' }, top: { type: 'string' }, 'min-length': { type: 'string' }, 'max-length': { type: 'string' },
        'no-groups': { type: 'boolean' }, out: { type: 'string' },
      },
      strict: true,
    });
    if (!values.transactions) {
      process.stderr.write(`mine: --transactions is required\n\n${usage}`);
      return 2;
    }
    const options = {
      ruleDefinition: values.confidence === undefined ? undefined : checkRuleDefinition(values.confidence, 'mine: --confidence'),
      minSupport: numberFlag('min-support', values['min-support']),
      minConfidence: numberFlag('min-confidence', values['min-confidence']),
      topN: numberFlag('top', values.top),
      minLength: numberFlag('min-length', values['min-length']),
      maxLength: numberFlag('max-length', values['max-length']),
      groups: !values['no-groups'],
    };
    if (options.minLength !== undefined && options.maxLength !== undefined && options.minLength > options.maxLength) {
      throw new Error(`mine: --min-length ${options.minLength} is above --max-length ${options.maxLength}; no rule can satisfy both (expected --min-length <= --max-length)`);
    }
    resolveClassRuleOptions(options); // every threshold checked before the file is read
    const t0 = performance.now();
    const tx = await loadTransactionsCsv(values.transactions);
    if (transactionCount(tx) === 0) {
      throw new Error(`mine: ${values.transactions} has a header but no transactions; expected one row per patch (patch,class,items)`);
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
      transactions: values.transactions,
      out: values.out ?? null,
      options: { ...result.options, maxLength: Number.isFinite(result.options.maxLength) ? result.options.maxLength : null },
      counts: result.counts,
      timingsMs: { load: round(load), ...Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, round(v)])), write: round(write) },
    };
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return 0;
  },
});
