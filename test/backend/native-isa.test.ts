/**
 * Each instruction-set build of the native addon (AVX-512: 12x32 tiles, AVX2: 6x16, 128-bit: 6x8;
 * a machine uses whichever -march=native gives it, so CI would otherwise test only one) against
 * naive JavaScript references (native-reference.ts), independent of tfjs. The AVX-512 path runs
 * only where the CPU has AVX-512 (the -march=native build); after the tests, a line
 * `native paths NOT tested in this run: ...` names every path this host could not run, and
 * test-output/untested-native-paths.txt records it (the CI script prints it).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { skipOrFailInCI } from '../helpers';
import { packageRoot } from '../../src/util/package-root';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nativeBuild = require(path.join(packageRoot(__dirname), 'native', 'build.js')) as {
  build(o: { arch: string[]; output: string }): { ok: boolean; detail: string };
  canBuild(): string | null;
};

/** The addon's instruction-set paths, as its `info().simd` names them. */
const ALL_PATHS = ['avx512', 'avx2', 'simd128'];

const VARIANTS: Array<{ arch: string[]; simd: string; x86only: boolean }> = [
  { arch: ['-march=native'], simd: '', x86only: false },
  { arch: ['-mavx2', '-mfma'], simd: 'avx2', x86only: true },
  { arch: ['-march=x86-64'], simd: 'simd128', x86only: true },
];

describe('backend/native builds for each instruction set', function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    const missing = nativeBuild.canBuild();
    if (missing) skipOrFailInCI(this, `the native addon cannot be built here: ${missing}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-native-isa-'));
  });

  /** The instruction-set paths whose build ran and passed, with the flags that gave each. */
  const tested = new Map<string, string>();
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    const untested = ALL_PATHS.filter((p) => !tested.has(p));
    const line = untested.length === 0
      ? 'native paths: all of AVX-512, AVX2 and 128-bit tested in this run'
      : `native paths NOT tested in this run: ${untested.join(', ')} (tested: ${[...tested].map(([p, flags]) => `${p} via ${flags}`).join(', ') || 'none'}; ` +
        `the AVX-512 path needs a CPU with AVX-512F, the others an x86-64 host)`;
    console.log(`      ${line}`);
    const outDir = path.join(packageRoot(__dirname), 'test-output');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'untested-native-paths.txt'), line + '\n');
  });

  for (const v of VARIANTS) {
    it(`${v.arch.join(' ')}: convolution, its input gradient, products and relu(a + b) match naive references`, function () {
      if (v.x86only && process.arch !== 'x64') skipOrFailInCI(this, `the ${v.simd} build needs an x86-64 host, this is ${process.arch}`);
      const output = path.join(dir, `addon${v.arch.join('').replace(/[^a-z0-9]/gi, '_')}.node`);
      const built = nativeBuild.build({ arch: v.arch, output });
      assert.ok(built.ok, built.detail);
      const reference = require.resolve('./native-reference');
      const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(reference)}).main(${JSON.stringify(output)})`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const { info, worst } = JSON.parse(r.stdout) as { info: { simd: string }; worst: Record<string, number> };
      if (v.simd) assert.equal(info.simd, v.simd);
      for (const [op, err] of Object.entries(worst)) assert.ok(err < 1e-5, `${op}: relative error ${err} (${info.simd})`);
      if (!tested.has(info.simd)) tested.set(info.simd, v.arch.join(' '));
    });
  }
});
