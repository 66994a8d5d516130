/**
 * Naive JavaScript references for the native addon's operations, run directly on an ArrayBuffer
 * (no tfjs), and a check of one compiled addon against them. Used by native-isa.test.ts in a child
 * process per build (an addon file loads once per process).
 */
import { rng } from '../../src/util/rng';
import type { NativeAddon } from '../../src/backend/native';

interface Conv {
  n: number; h: number; w: number; cin: number; kh: number; kw: number; cout: number;
  sh: number; sw: number; dh: number; dw: number; pt: number; pl: number; oh: number; ow: number;
}

function conv(c: Omit<Conv, 'oh' | 'ow'>, pb: number, pr: number): Conv {
  const oh = Math.floor((c.h + c.pt + pb - c.dh * (c.kh - 1) - 1) / c.sh) + 1;
  const ow = Math.floor((c.w + c.pl + pr - c.dw * (c.kw - 1) - 1) / c.sw) + 1;
  return { ...c, oh, ow };
}

const CONVS: Conv[] = [
  conv({ n: 2, h: 9, w: 11, cin: 3, kh: 3, kw: 3, cout: 5, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1 }, 1, 1),
  conv({ n: 2, h: 15, w: 13, cin: 64, kh: 3, kw: 3, cout: 70, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1 }, 1, 1),
  conv({ n: 1, h: 17, w: 17, cin: 8, kh: 7, kw: 7, cout: 12, sh: 2, sw: 2, dh: 1, dw: 1, pt: 3, pl: 2 }, 2, 3),
  conv({ n: 2, h: 8, w: 8, cin: 16, kh: 1, kw: 1, cout: 33, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pl: 0 }, 0, 0),
  conv({ n: 2, h: 12, w: 12, cin: 6, kh: 3, kw: 3, cout: 9, sh: 1, sw: 1, dh: 2, dw: 2, pt: 0, pl: 0 }, 0, 0),
  conv({ n: 2, h: 9, w: 9, cin: 16, kh: 1, kw: 1, cout: 40, sh: 2, sw: 2, dh: 1, dw: 1, pt: 0, pl: 0 }, 0, 0),
];

const MATMULS = [
  { m: 8, n: 97, k: 300, tb: false }, { m: 5, n: 33, k: 257, tb: true }, { m: 37, n: 70, k: 300, tb: false },
  { m: 50, n: 29, k: 600, tb: true }, { m: 1, n: 10, k: 64, tb: false },
];

/** A bump allocator of float arrays on one ArrayBuffer. */
class Heap {
  readonly buffer = new ArrayBuffer(64 << 20);
  private next = 64;
  alloc(n: number, fill?: () => number): { off: number; data: Float32Array } {
    const off = this.next;
    this.next += Math.ceil((n * 4) / 64) * 64;
    const data = new Float32Array(this.buffer, off, n);
    if (fill) for (let i = 0; i < n; i++) data[i] = fill();
    return { off, data };
  }
}

function relErr(got: Float32Array, want: Float64Array): number {
  let scale = 1e-12, worst = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  return worst;
}

/**
 * Runs every case on `addon` and returns the worst relative error (to the largest reference
 * value) per operation.
 */
export function checkAddon(addon: NativeAddon): Record<string, number> {
  const r = rng(42);
  const rand = () => r.normal();
  const worst: Record<string, number> = { conv: 0, convBiasRelu: 0, backpropInput: 0, matmul: 0, addRelu: 0 };
  for (const c of CONVS) {
    const heap = new Heap();
    const x = heap.alloc(c.n * c.h * c.w * c.cin, rand), f = heap.alloc(c.kh * c.kw * c.cin * c.cout, rand);
    const bias = heap.alloc(c.cout, rand), y = heap.alloc(c.n * c.oh * c.ow * c.cout), dx = heap.alloc(c.n * c.h * c.w * c.cin);
    const want = new Float64Array(y.data.length), wantDx = new Float64Array(dx.data.length);
    const dy = heap.alloc(y.data.length, rand);
    for (let n = 0; n < c.n; n++) for (let oy = 0; oy < c.oh; oy++) for (let ox = 0; ox < c.ow; ox++) for (let ky = 0; ky < c.kh; ky++) for (let kx = 0; kx < c.kw; kx++) {
      const iy = oy * c.sh - c.pt + ky * c.dh, ix = ox * c.sw - c.pl + kx * c.dw;
      if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) continue;
      for (let ci = 0; ci < c.cin; ci++) for (let co = 0; co < c.cout; co++) {
        const xi = ((n * c.h + iy) * c.w + ix) * c.cin + ci, fi = ((ky * c.kw + kx) * c.cin + ci) * c.cout + co, yi = ((n * c.oh + oy) * c.ow + ox) * c.cout + co;
        want[yi] += x.data[xi] * f.data[fi];
        wantDx[xi] += dy.data[yi] * f.data[fi];
      }
    }
    const params = (inOff: number, biasOff: number, outOff: number, act: number) => new Float64Array([
      inOff, c.n, c.h, c.w, c.cin, f.off, c.kh, c.kw, c.cout, biasOff, outOff, c.oh, c.ow, c.sh, c.sw, c.dh, c.dw, c.pt, c.pl, act, 0]);
    addon.conv2d(heap.buffer, params(x.off, -1, y.off, 0));
    worst.conv = Math.max(worst.conv, relErr(y.data, want));
    addon.conv2d(heap.buffer, params(x.off, bias.off, y.off, 1));
    worst.convBiasRelu = Math.max(worst.convBiasRelu, relErr(y.data, want.map((v, i) => Math.max(0, v + bias.data[i % c.cout]))));
    addon.conv2dBackpropInput(heap.buffer, params(dy.off, -1, dx.off, 0));
    worst.backpropInput = Math.max(worst.backpropInput, relErr(dx.data, wantDx));
  }
  for (const mm of MATMULS) {
    const heap = new Heap();
    const a = heap.alloc(mm.m * mm.k, rand), b = heap.alloc(mm.k * mm.n, rand), out = heap.alloc(mm.m * mm.n);
    const want = new Float64Array(mm.m * mm.n);
    for (let i = 0; i < mm.m; i++) for (let j = 0; j < mm.n; j++) for (let p = 0; p < mm.k; p++) {
      want[i * mm.n + j] += a.data[i * mm.k + p] * (mm.tb ? b.data[j * mm.k + p] : b.data[p * mm.n + j]);
    }
    addon.matmul(heap.buffer, new Float64Array([a.off, b.off, -1, out.off, 1, mm.m, mm.n, mm.k, 0, mm.tb ? 1 : 0, 0, 0, 0, 0]));
    worst.matmul = Math.max(worst.matmul, relErr(out.data, want));
  }
  const heap = new Heap();
  const a = heap.alloc(100_003, rand), b = heap.alloc(100_003, rand), out = heap.alloc(100_003);
  addon.addRelu(heap.buffer, new Float64Array([a.off, b.off, out.off, 100_003, 1]));
  worst.addRelu = relErr(out.data, Float64Array.from(a.data, (v, i) => Math.max(0, v + b.data[i])));
  return worst;
}

/** Child-process entry: loads the addon at `file`, prints `{ info, worst }` as JSON. */
export function main(file: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require(file) as NativeAddon;
  process.stdout.write(JSON.stringify({ info: addon.info(), worst: checkAddon(addon) }));
}
