#include "conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace fm {

void conv2d(const ConvGeometry& g, const float* x, const float* filter, float* out, const Epilogue& ep) {
  const int64_t M = g.batch * g.outH * g.outW;
  const int64_t K = g.kH * g.kW * g.inC;
  const int64_t N = g.outC;
  const bool pointwise = g.kH == 1 && g.kW == 1 && g.strideH == 1 && g.strideW == 1 && g.padTop == 0 &&
                         g.padLeft == 0 && g.outH == g.inH && g.outW == g.inW;
  PackA packA;
  if (pointwise) {
    // A 1x1 convolution with stride 1 is a plain product: A is the input, one pixel per row.
    packA = matrixPacker(x, g.inC, false);
  } else {
    packA = [&g, x](float* dst, int64_t m0, int rows, int64_t k0, int kc) {
      const int kcp = (kc + 7) / 8 * 8;
      const int64_t plane = g.outH * g.outW;
      const int64_t tapLen = g.kW * g.inC;
      for (int i = 0; i < rows; ++i) {
        const int64_t m = m0 + i;
        const int64_t n = m / plane, r = m % plane;
        const int64_t oy = r / g.outW, ox = r % g.outW;
        const int64_t iy0 = oy * g.strideH - g.padTop, ix0 = ox * g.strideW - g.padLeft;
        int64_t ky = k0 / tapLen;
        const int64_t rem = k0 - ky * tapLen;
        int64_t kx = rem / g.inC;
        int64_t ci = rem - kx * g.inC;
        int p = 0;
        while (p < kc) {
          const int64_t iy = iy0 + ky * g.dilationH, ix = ix0 + kx * g.dilationW;
          const bool rowInside = iy >= 0 && iy < g.inH;
          int64_t len;
          const float* src = nullptr;
          if (rowInside && g.dilationW == 1 && ix >= 0 && ix < g.inW) {
            // With no horizontal dilation the taps kx.. of one kernel row that fall inside the
            // image are one contiguous run of the input: copy them in one go.
            const int64_t lastKx = std::min<int64_t>(g.kW - 1, g.inW - 1 - ix0);
            len = (lastKx - kx) * g.inC + (g.inC - ci);
            src = x + ((n * g.inH + iy) * g.inW + ix) * g.inC + ci;
          } else {
            len = g.inC - ci;
            if (rowInside && ix >= 0 && ix < g.inW) src = x + ((n * g.inH + iy) * g.inW + ix) * g.inC + ci;
          }
          len = std::min<int64_t>(len, kc - p);
          packPut(dst, i, p, src, static_cast<int>(len));
          p += static_cast<int>(len);
          const int64_t pos = kx * g.inC + ci + len;  // position inside the kernel row
          kx = pos / g.inC;
          ci = pos % g.inC;
          if (kx >= g.kW) {
            kx = 0;
            ci = 0;
            ++ky;
          }
        }
        packPut(dst, i, kc, nullptr, kcp - kc);
      }
      for (int i = rows; i < kMR; ++i) packPut(dst, i, 0, nullptr, kcp);
    };
  }
  gemm(M, N, K, packA, BView{filter, N, false}, out, N, ep);
}

namespace {

template <typename T>
T* grow(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

}  // namespace

void conv2dBackpropInput(const ConvGeometry& g, const float* dy, const float* filter, float* dx) {
  const int64_t K = g.kH * g.kW * g.inC;
  if (g.strideH == 1 && g.strideW == 1) {
    // dx[i] = sum_ky dy[i + padTop - ky*d] W[ky] = a convolution of dy with W flipped in space and
    // transposed in channels, padded by d*(k-1) - pad.
    thread_local std::vector<float> flipped;
    float* wt = grow(flipped, static_cast<size_t>(K * g.outC));
    for (int64_t ky = 0; ky < g.kH; ++ky)
      for (int64_t kx = 0; kx < g.kW; ++kx) {
        const float* src = filter + ((g.kH - 1 - ky) * g.kW + (g.kW - 1 - kx)) * g.inC * g.outC;
        float* dst = wt + (ky * g.kW + kx) * g.outC * g.inC;
        for (int64_t ci = 0; ci < g.inC; ++ci)
          for (int64_t co = 0; co < g.outC; ++co) dst[co * g.inC + ci] = src[ci * g.outC + co];
      }
    ConvGeometry t = g;
    t.inH = g.outH; t.inW = g.outW; t.inC = g.outC;
    t.outH = g.inH; t.outW = g.inW; t.outC = g.inC;
    t.padTop = g.dilationH * (g.kH - 1) - g.padTop;
    t.padLeft = g.dilationW * (g.kW - 1) - g.padLeft;
    conv2d(t, dy, wt, dx, Epilogue{});
    return;
  }
  // Strided: columns = dy * W^T (rows: output pixels, columns: taps x inC), then gather.
  const int64_t plane = g.outH * g.outW;
  const int64_t perChunk = std::max<int64_t>(1, (int64_t{1} << 24) / std::max<int64_t>(1, plane * K));
  thread_local std::vector<float> colsBuf;
  for (int64_t n0 = 0; n0 < g.batch; n0 += perChunk) {
    const int64_t images = std::min(perChunk, g.batch - n0);
    float* cols = grow(colsBuf, static_cast<size_t>(images * plane * K));
    gemm(images * plane, K, g.outC, matrixPacker(dy + n0 * plane * g.outC, g.outC, false),
         BView{filter, g.outC, true}, cols, K, Epilogue{});
    parallelFor(images * g.inH, [&](int64_t task) {
      const int64_t n = task / g.inH, iy = task % g.inH;
      float* row = dx + ((n0 + n) * g.inH + iy) * g.inW * g.inC;
      std::memset(row, 0, static_cast<size_t>(g.inW * g.inC) * sizeof(float));
      for (int64_t ky = 0; ky < g.kH; ++ky) {
        const int64_t oyN = iy + g.padTop - ky * g.dilationH;
        if (oyN < 0 || oyN % g.strideH != 0) continue;
        const int64_t oy = oyN / g.strideH;
        if (oy >= g.outH) continue;
        for (int64_t ix = 0; ix < g.inW; ++ix) {
          float* out = row + ix * g.inC;
          for (int64_t kx = 0; kx < g.kW; ++kx) {
            const int64_t oxN = ix + g.padLeft - kx * g.dilationW;
            if (oxN < 0 || oxN % g.strideW != 0) continue;
            const int64_t ox = oxN / g.strideW;
            if (ox >= g.outW) continue;
            const float* src = cols + ((n * g.outH + oy) * g.outW + ox) * K + (ky * g.kW + kx) * g.inC;
            for (int64_t ci = 0; ci < g.inC; ++ci) out[ci] += src[ci];
          }
        }
      }
    });
  }
}

}  // namespace fm
