import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ablationTableToCsv, saveAblationTables } from '../../src/ablation/io/io';
import { tableFromRows } from '../../src/ablation/io/table';

describe('ablation/io', () => {
  const t = tableFromRows([{ variant: 'a,b', filters: [3, 1], accuracy: 0.5 }, { variant: 'none', filters: [], accuracy: NaN }], ['variant', 'filters', 'accuracy']);
  it('writes CSV with space-separated lists and empty non-finite cells', () => {
    assert.equal(ablationTableToCsv(t), 'variant,filters,accuracy\n"a,b",3 1,0.5\nnone,,\n');
  });
  it('saves JSON and CSV that read back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ablation-io-'));
    const files = saveAblationTables(dir, { results: t });
    assert.deepEqual(files.map((f) => path.basename(f)), ['results.json', 'results.csv']);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')),
      [{ variant: 'a,b', filters: [3, 1], accuracy: 0.5 }, { variant: 'none', filters: [], accuracy: null }]);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['results.csv', 'results.json']);
    fs.rmSync(dir, { recursive: true });
  });
});
