/**
 * Hostile transaction files: one huge item id, a header without rows, an empty FIMI file, a binary
 * file, contradictory length limits. Each gives a result bounded by the data or a short error
 * naming the value and what was expected.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '../../src/cli/commands/mine';
import '../../src/cli/commands/itemsets';
import { getCommand } from '../../src/cli/registry';
import { compactItems, fromFimi, mineItemsets } from '../../src/mining';

const MINING = path.join(__dirname, '..', '..', 'src', 'mining');

/** Runs `script` (with `m` = the mining module) in a fresh Node; returns its JSON output. */
function inChild(script: string): { value: Record<string, unknown>; maxRssMb: number } {
  const code = `const m = require(${JSON.stringify(MINING)}); const value = (() => { ${script} })();` +
    'process.stdout.write(JSON.stringify({ value, maxRssKb: process.resourceUsage().maxRSS }));';
  const r = spawnSync(process.execPath, ['-e', code], { timeout: 60000, encoding: 'utf8' });
  assert.equal(r.status, 0, `child failed (signal ${r.signal}): ${r.stderr.slice(0, 2000)}`);
  const out = JSON.parse(r.stdout) as { value: Record<string, unknown>; maxRssKb: number };
  return { value: out.value, maxRssMb: out.maxRssKb / 1024 };
}

describe('mining: hostile transaction files', function () {
  this.timeout(120000);
  let dir = '';
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-mine-hostile-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('one item id of 1e9 in a transactions CSV: memory follows the distinct items, ids come back unchanged', () => {
    const rows = ['patch,class,items'];
    for (let i = 0; i < 40; i++) rows.push(`${i},${i % 2},${i % 2 ? '1 2 3' : '4 5 1000000000'}`);
    const { value, maxRssMb } = inChild(`
      const r = m.minePaperRules(m.fromTransactionsCsv(${JSON.stringify(rows.join('\n'))}), { minSupport: 2 });
      return { filters: r.filters.array('filter'), antecedents: r.rules.array('antecedent') };`);
    assert.ok(maxRssMb < 400, `peak memory ${maxRssMb.toFixed(0)} MB, expected well under 400 MB`);
    assert.deepEqual(value.filters, [1, 2, 3, 4, 5, 1000000000]);
    assert.ok((value.antecedents as number[][]).some((a) => a.includes(1000000000)));
  });

  it('one item id of 1e9 in a FIMI file: itemsets by Eclat and FP-Growth, bounded memory', () => {
    const text = Array.from({ length: 30 }, (_, i) => (i % 3 ? '7 1000000000 2147483647' : '7 8')).join('\n');
    const { value, maxRssMb } = inChild(`
      const tx = m.fromFimi(${JSON.stringify(text)});
      const e = m.mineItemsets(tx, { minSupport: 5 }), f = m.mineItemsets(tx, { minSupport: 5, algorithm: 'fpgrowth' });
      return { e: Array.from(e.items), f: Array.from(f.items), n: m.countItemsets(tx, { minSupport: 5 }) };`);
    assert.ok(maxRssMb < 400, `peak memory ${maxRssMb.toFixed(0)} MB, expected well under 400 MB`);
    assert.deepEqual(value.e, value.f);
    // {7}, {8}, {1e9}, {2^31-1}; {7,8}, {7,1e9}, {7,2^31-1}, {1e9,2^31-1}; {7,1e9,2^31-1}
    assert.equal(value.n, 9);
  });

  it('compactItems keeps dense ids as they are and renumbers sparse ones in order', () => {
    const dense = fromFimi('1 2\n2 3\n');
    assert.equal(compactItems(dense).itemIds, null);
    const sparse = compactItems(fromFimi('5 900000\n900000 70000000\n'));
    assert.deepEqual(Array.from(sparse.itemIds!), [5, 900000, 70000000]);
    assert.deepEqual(Array.from(sparse.tx.items), [0, 1, 1, 2]);
    assert.equal(sparse.tx.nItems, 3);
    const list = mineItemsets(fromFimi('5 900000\n900000 70000000\n'), { minSupport: 1 });
    assert.deepEqual(Array.from(list.items), [5, 900000, 70000000, 5, 900000, 900000, 70000000]);
  });

  async function cli(name: string, ...args: string[]): Promise<{ status: number; stdout: string; error: string }> {
    const out: string[] = [];
    const ow = process.stdout.write;
    process.stdout.write = ((s: string) => { out.push(s); return true; }) as typeof process.stdout.write;
    try {
      return { status: await getCommand(name)!.run(args), stdout: out.join(''), error: '' };
    } catch (e) {
      return { status: 1, stdout: out.join(''), error: (e as Error).message };
    } finally {
      process.stdout.write = ow;
    }
  }

  it('mine on a header-only CSV fails, saying there are no transactions', async () => {
    const f = path.join(dir, 'header.csv');
    fs.writeFileSync(f, 'patch,class,items\n');
    const r = await cli('mine', '--transactions', f);
    assert.equal(r.status, 1);
    assert.equal(r.error, `mine: ${f} has a header but no transactions; expected one row per patch (patch,class,items)`);
  });

  it('itemsets on an empty FIMI file fails, saying there are no transactions', async () => {
    const f = path.join(dir, 'empty.dat');
    fs.writeFileSync(f, '\n\n');
    const r = await cli('itemsets', f, '--min-support', '1');
    assert.equal(r.status, 1);
    assert.match(r.error, /holds no transactions \(empty, or blank lines only\)/);
  });

  it('--min-length above --max-length is refused before the file is read', async () => {
    const r = await cli('mine', '--transactions', path.join(dir, 'does-not-exist.csv'), '--min-length', '3', '--max-length', '2');
    assert.equal(r.error, 'mine: --min-length 3 is above --max-length 2; no rule can satisfy both (expected --min-length <= --max-length)');
  });

  it('itemsets on a binary file gives a one-line error naming the file', async () => {
    const f = path.join(dir, 'model.bin');
    const bytes = Buffer.alloc(40000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    fs.writeFileSync(f, bytes);
    const r = await cli('itemsets', f, '--min-support', '1');
    assert.equal(r.status, 1);
    assert.ok(r.error.length < 300 && !r.error.includes('\n'), `error of ${r.error.length} characters: ${r.error.slice(0, 400)}`);
    assert.ok(r.error.includes(f) && /binary file/.test(r.error), r.error);
    // A long non-numeric token in a text file is cut in the message too.
    fs.writeFileSync(f, `1 2\n${'x'.repeat(40000)}\n`);
    const t = await cli('itemsets', f, '--min-support', '1');
    assert.ok(t.error.length < 300, `error of ${t.error.length} characters`);
    assert.match(t.error, /FIMI line 2: item 'x{40}'\.\.\. \(40000 characters\) is not a non-negative integer/);
  });
});
