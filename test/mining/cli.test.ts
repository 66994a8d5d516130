import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import '../../src/cli/commands/mine';
import '../../src/cli/commands/itemsets';
import { getCommand } from '../../src/cli/registry';

const MAIN = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');

/**
 * Runs a command in-process (spawning the CLI loads every command's dependencies, seconds each),
 * capturing stdout/stderr; a thrown error becomes status 1 with the message on stderr, as in main.
 */
async function cli(name: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const out: string[] = [], err: string[] = [];
  const ow = process.stdout.write, ew = process.stderr.write;
  process.stdout.write = ((s: string) => { out.push(s); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err.push(s); return true; }) as typeof process.stderr.write;
  let status: number;
  try {
    status = await getCommand(name)!.run(args);
  } catch (e) {
    status = 1;
    err.push(`filtermine: ${(e as Error).message}\n`);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  return { status, stdout: out.join(''), stderr: err.join('') };
}

describe('mining/cli (filtermine mine, filtermine itemsets)', () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-mine-cli-'));
    const rows = ['patch,class,items', '0,0,1 2 3', '1,0,3 2 1', '2,0,1 2', '3,0,4 5', '4,1,4 5', '5,1,4 5 6', '6,1,1 6 7', '7,1,6 7', '8,2,6 7', '9,2,6 7 8'];
    fs.writeFileSync(path.join(dir, 'tx.csv'), rows.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'db.dat'), '1 2 3\n1 2\n2 3\n3 2 1\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('mine --confidence authors mines the authors\' rules; an unknown definition is refused before reading', async () => {
    // Class 0 of tx.csv: F = {1,2,3} (count_0 2, count_all 2); {1,3} and {2,3} have count_all 2 (confidence 1),
    // {1,2} count_all 3 (confidence 2/3). Score 2 > 4/3: the top rules are {1,3} -> 0 then {2,3} -> 0, then {1,2}.
    const r = await cli('mine', '--transactions', path.join(dir, 'tx.csv'), '--confidence', 'authors', '--no-groups');
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.options.ruleDefinition, 'authors');
    assert.equal(summary.counts.rules, 3); // classes 1 and 2 have no class-frequent set of 3 filters
    const bad = await cli('mine', '--transactions', path.join(dir, 'missing.csv'), '--confidence', 'paper');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /mine: --confidence must be one of 'standard', 'authors', got 'paper'/);
  });

  it('mine writes the tables and prints a JSON summary', async () => {
    const out = path.join(dir, 'out');
    const r = await cli('mine', '--transactions', path.join(dir, 'tx.csv'), '--out', out);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.counts.rules, 5);
    assert.equal(summary.counts.sharedFilterSets, 1);
    assert.equal(summary.options.minSupport, 2);
    assert.ok(summary.timingsMs.total >= 0);
    for (const name of ['rules', 'classFilters', 'filters', 'filterSets', 'groups']) {
      assert.ok(fs.existsSync(path.join(out, `${name}.csv`)), name);
      assert.ok(fs.existsSync(path.join(out, `${name}.json`)), name);
    }
    const csv = fs.readFileSync(path.join(out, 'rules.csv'), 'utf8').split('\n');
    assert.equal(csv[0], 'class,rank,antecedent,size,support,antecedentSupport,classSize,confidence,lift,leverage,conviction,score');
    assert.match(csv[1], /^0,1,1 2,2,3,3,4,1,/);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'rules.json'), 'utf8'));
    assert.equal(json[0].conviction, null); // Infinity is not JSON
    const top1 = JSON.parse((await cli('mine', '--transactions', path.join(dir, 'tx.csv'), '--top-n', '1', '--no-groups')).stdout);
    assert.equal(top1.counts.rules, 3);
    assert.equal(top1.counts.groups, 0);
  });

  it('mine names bad flags and missing files', async () => {
    let r = await cli('mine', '--transactions', path.join(dir, 'nope.csv'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /mine: --transactions '.*nope\.csv' does not exist; expected a CSV file with columns patch,class,items/);
    r = await cli('mine', '--transactions', path.join(dir, 'tx.csv'), '--min-confidence', 'high');
    assert.match(r.stderr, /--min-confidence must be a number, got 'high'/);
    r = await cli('mine', '--transactions', path.join(dir, 'tx.csv'), '--min-support', '0');
    assert.match(r.stderr, /minimum support must be .* got 0/);
    r = await cli('mine');
    assert.equal(r.status, 2);
  });

  it('itemsets counts and prints frequent, closed and maximal itemsets', async () => {
    const db = path.join(dir, 'db.dat');
    let r = await cli('itemsets', db, '--min-support', '2');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^7 frequent itemsets \(minimum support 2 of 4 transactions, eclat/);
    r = await cli('itemsets', db, '--min-support', '0.5', '--closed', '--print', '--algorithm', 'fpgrowth');
    assert.deepEqual(r.stdout.trim().split('\n').slice(1), ['2 #SUP: 4', '1 2 #SUP: 3', '2 3 #SUP: 3', '1 2 3 #SUP: 2']);
    r = await cli('itemsets', db, '--min-support', '2', '--maximal');
    assert.match(r.stdout, /^1 maximal itemsets/);
    r = await cli('itemsets', db, '--min-support', '1.5');
    assert.match(r.stderr, /minimum support .* got 1\.5/);
    r = await cli('itemsets', path.join(dir, 'none.dat'), '--min-support', '2');
    assert.match(r.stderr, /file '.*none\.dat' does not exist/);
  });

  it('is wired into the filtermine binary', () => {
    const r = spawnSync(process.execPath, [MAIN, 'itemsets', path.join(dir, 'db.dat'), '--min-support', '3'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^5 frequent itemsets/);
  });
});
