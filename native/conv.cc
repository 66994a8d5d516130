#include "conv.h"

#include <algorithm>
#include <cstring>

namespace fm {
namespace {

// Writes `len` floats (or zeros when src is null) at columns [p, p + len) of row i of a packed
// A micro-panel (layout in gemm.h).
inline void put(float* dst, int mrows, int i, int p, const float* src, int len) {
  while (len > 0) {
    const int q = p & 7;
    float* d = dst + ((p >> 3) * mrows + i) * 8 + q;
    const int n = std::min(8 - q, len);
    if (n == 8) {
      if (src) std::memcpy(d, src, 8 * sizeof(float));
      else std::memset(d, 0, 8 * sizeof(float));
    } else {
      for (int t = 0; t < n; ++t) d[t] = src ? src[t] : 0.f;
    }
    if (src) src += n;
    p += n;
    len -= n;
  }
}

}  // namespace

void conv2d(const ConvGeometry& g, const float* x, const float* filter, float* out, const Epilogue& ep) {
  const int64_t M = g.batch * g.outH * g.outW;
  const int64_t K = g.kH * g.kW * g.inC;
  const int64_t N = g.outC;
  const int MRows = mr();
  const bool pointwise = g.kH == 1 && g.kW == 1 && g.strideH == 1 && g.strideW == 1 && g.padTop == 0 &&
                         g.padLeft == 0 && g.outH == g.inH && g.outW == g.inW;
  PackA packA;
  if (pointwise) {
    // A 1x1 convolution with stride 1 is a plain product: A is the input, one pixel per row.
    packA = matrixPacker(x, g.inC, false);
  } else {
    packA = [&g, x, MRows](float* dst, int64_t m0, int rows, int64_t k0, int kc) {
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
          put(dst, MRows, i, p, src, static_cast<int>(len));
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
        put(dst, MRows, i, kc, nullptr, kcp - kc);
      }
      for (int i = rows; i < MRows; ++i) put(dst, MRows, i, 0, nullptr, kcp);
    };
  }
  gemm(M, N, K, packA, BView{filter, N, false}, out, N, ep);
}

}  // namespace fm
