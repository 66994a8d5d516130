#include "conv.h"

#include <algorithm>
#include <cstring>

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

}  // namespace fm
