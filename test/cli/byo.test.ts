import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { fashionMnistSearchPath, loadFashionMnist } from '../../src/data/fashion-mnist';
import { encodePng } from '../../src/widgets/raster';
import { packageRoot } from '../../src/util/package-root';
import { applyAliases } from '../../src/cli/options';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** RGBA of a grey Fashion-MNIST image, tinted, nearest-neighbour scaled to w x h. */
function rgba(grey: Uint8Array, w: number, h: number, tint: [number, number, number]): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = grey[Math.floor(y * 28 / h) * 28 + Math.floor(x * 28 / w)];
    const o = (y * w + x) * 4;
    out[o] = Math.round(v * tint[0]); out[o + 1] = Math.round(v * tint[1]); out[o + 2] = Math.round(v * tint[2]); out[o + 3] = 255;
  }
  return out;
}

describe('bring your own images: extract --images -> mine --run -> evaluate --run through the CLI', function () {
  this.timeout(900_000);
  const hasData = fashionMnistSearchPath().some((d) => fs.existsSync(path.join(d, 't10k-images-idx3-ubyte.gz')));
  let dir = '';
  const folders = { 'T-shirt-top': 0, Trouser: 1, Bag: 8 } as const;

  before(function () {
    if (!hasData) {
      if (process.env.CI === 'true') throw new Error('CI=true but Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)');
      console.log('      skipped: Fashion-MNIST is not installed (dataset-fashion-mnist)');
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-byo-'));
    const set = loadFashionMnist('test');
    // Mixed sizes and formats: 28x28 PNG, 40x32 PNG, 48x64 JPEG; one corrupt file.
    for (const [name, label] of Object.entries(folders)) {
      const d = path.join(dir, 'images', name);
      fs.mkdirSync(d, { recursive: true });
      let written = 0;
      for (let i = 0; i < set.n && written < 8; i++) {
        if (set.labels[i] !== label) continue;
        const grey = set.images.subarray(i * 784, (i + 1) * 784);
        const kind = written % 3;
        const [w, h] = kind === 0 ? [28, 28] : kind === 1 ? [40, 32] : [48, 64];
        const data = rgba(grey, w, h, [1, 0.8, 0.6]);
        if (kind === 2) fs.writeFileSync(path.join(d, `${i}.jpg`), jpeg.encode({ data, width: w, height: h }, 95).data);
        else fs.writeFileSync(path.join(d, `${i}.png`), encodePng({ data, width: w, height: h }));
        written++;
      }
    }
    fs.writeFileSync(path.join(dir, 'images', 'Trouser', 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0, 0, 9]));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('runs end to end on the shipped ONNX model and reports the corrupt file', () => {
    const run = path.join(dir, 'run');
    const ex = cli(['extract', '--model', 'fashion-cnn-onnx', '--images', path.join(dir, 'images'), '--k', '3,5', '--samples', '200', '--rounds', '4',
      '--batch-size', '8', '--quiet', '--out', run]);
    assert.equal(ex.status, 0, ex.stderr);
    assert.match(ex.stderr, /skipped 1 file\(s\):\n {2}\S*Trouser\/broken\.jpg: /);
    assert.match(ex.stderr, /class folders -> outputs: Bag -> 8 \(Bag\), T-shirt-top -> 0 \(T-shirt\/top\), Trouser -> 1 \(Trouser\)/);
    const manifest = JSON.parse(fs.readFileSync(path.join(run, 'manifest.json'), 'utf8'));
    assert.equal(manifest.identity.data.n, 24);
    assert.match(manifest.identity.data.checksum, /^[0-9a-f]{64}$/);
    assert.equal(manifest.identity.model.softmaxStripped, undefined, 'the shipped model outputs logits');
    const rejected = JSON.parse(fs.readFileSync(path.join(run, 'rejected-files.json'), 'utf8'));
    assert.equal(rejected.length, 1);
    const summary = JSON.parse(fs.readFileSync(path.join(run, 'summary.json'), 'utf8'));
    assert.equal(summary.images, 24);
    assert.ok(summary.patches > 0, 'no patches extracted');
    assert.ok(summary.accuracy > 0.5, `accuracy of the trained model on its own classes: ${summary.accuracy}`);

    const mine = cli(['mine', '--run', run, '--k', '5', '--min-support', '2', '--top-n', '5']);
    assert.equal(mine.status, 0, mine.stderr);
    const mined = JSON.parse(mine.stdout);
    assert.equal(mined.k, 5);
    assert.ok(mined.counts.transactions > 0 && mined.counts.rules > 0, JSON.stringify(mined.counts));

    const ev = cli(['evaluate', '--model', 'fashion-cnn-onnx', '--run', run, '--k', '5', '--protocol', 'in-sample', '--draws', '2', '--no-curves', '--no-oracle', '--other-per-class', '4']);
    assert.equal(ev.status, 0, ev.stderr);
    assert.match(ev.stdout, /measured on 24 test images/);

    // The run remembers the folder: a changed folder is refused instead of evaluated silently.
    fs.copyFileSync(path.join(dir, 'images', 'Bag', fs.readdirSync(path.join(dir, 'images', 'Bag'))[0]), path.join(dir, 'images', 'Bag', 'zz-extra.png'));
    const changed = cli(['evaluate', '--model', 'fashion-cnn-onnx', '--run', run, '--k', '5', '--no-curves', '--protocol', 'in-sample']);
    assert.notEqual(changed.status, 0);
    assert.match(changed.stderr, /has changed since the run read it/);
    fs.rmSync(path.join(dir, 'images', 'Bag', 'zz-extra.png'));
  });

  it('a class folder that matches no model class is an error listing both sides, before any work', () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(path.join(bad, 'Banana'), { recursive: true });
    fs.mkdirSync(path.join(bad, 'Trouser'), { recursive: true });
    fs.copyFileSync(path.join(dir, 'images', 'Trouser', fs.readdirSync(path.join(dir, 'images', 'Trouser')).find((f) => f.endsWith('.png'))!), path.join(bad, 'Trouser', 'a.png'));
    const r = cli(['extract', '--model', 'fashion-cnn-onnx', '--images', bad, '--out', path.join(dir, 'bad-run')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /class folder\(s\) 'Banana' match no class of the model/);
    assert.match(r.stderr, /folders: Banana, Trouser/);
    assert.match(r.stderr, /model classes \(output order\): T-shirt\/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot/);
    assert.equal(fs.existsSync(path.join(dir, 'bad-run')), false);
    // A classes file with another count than the model's outputs.
    const classes = path.join(dir, 'classes.txt');
    fs.writeFileSync(classes, 'Trouser\nBanana\n');
    const r2 = cli(['extract', '--model', 'fashion-cnn-onnx', '--images', bad, '--classes', classes, '--out', path.join(dir, 'bad-run')]);
    assert.match(r2.stderr, /model 'fashion-cnn-onnx' has 10 outputs but 2 class names are given: Trouser, Banana/);
  });

  it('mine and evaluate name the option and the path instead of Node error codes or binary bytes', () => {
    const run = path.join(dir, 'run');
    const arrow = path.join(run, 'transactions-k5.arrow');
    assert.ok(fs.existsSync(arrow));
    const a = cli(['mine', '--transactions', arrow]);
    assert.equal(a.status, 1);
    assert.match(a.stderr, /--transactions '.*transactions-k5\.arrow' is not a CSV text file \(it is an Arrow table\); to mine an extraction run, pass its folder: filtermine mine --run DIR --k K/);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(a.stderr, /[\u0000-\u0008\ufffd]/);
    const b = cli(['mine', '--run', arrow]);
    assert.match(b.stderr, /mine: --run '.*' is a file; expected an extraction run folder/);
    assert.doesNotMatch(b.stderr + a.stderr, /EISDIR|ENOENT|ENOTDIR/);
    const c = cli(['mine', '--run', path.join(dir, 'nowhere'), '--k', '5']);
    assert.match(c.stderr, /mine: --run '.*nowhere' does not exist/);
    const d = cli(['mine', '--run', run, '--k', '7']); // the run's store gives the transactions of any k
    assert.equal(d.status, 0, d.stderr);
    assert.equal(JSON.parse(d.stdout).k, 7);
    const e = cli(['mine', '--transactions', run, '--k', '5', '--top', '3']);
    assert.equal(e.status, 0, e.stderr);
    assert.match(e.stderr, /mine: --top is deprecated; use --top-n/);
    const f = cli(['evaluate', '--model', 'fashion-cnn-onnx', '--run', path.join(run, 'summary.json')]);
    assert.match(f.stderr, /evaluate: --run '.*summary\.json' is a file; expected an extraction run folder/);
    const g = cli(['mine', '--bogus', '1']);
    assert.match(g.stderr, /mine: Unknown option '--bogus'[\s\S]*options: --run --k --transactions/);
  });
});

describe('option aliases', () => {
  it('rewrite deprecated names, with and without =value, warning once per name', () => {
    const warnings: string[] = [];
    const out = applyAliases('x', ['--batch', '8', '--batch=9', '--top-n', '3', 'pos'], { batch: 'batch-size' }, (l) => warnings.push(l));
    assert.deepEqual(out, ['--batch-size', '8', '--batch-size=9', '--top-n', '3', 'pos']);
    assert.deepEqual(warnings, ['x: --batch is deprecated; use --batch-size\n']);
  });
});
