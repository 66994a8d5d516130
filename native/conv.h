// 2-D convolution, NHWC input, [kh, kw, cin, cout] filter (the tfjs layouts), as an implicit
// im2col matrix product: row m of A is output pixel (n, oy, ox), column k is tap (ky, kx, ci), so
// the filter is B (K x cout) as stored and the product lands in the NHWC output directly.
#pragma once

#include <cstdint>

#include "gemm.h"

namespace fm {

struct ConvGeometry {
  int64_t batch, inH, inW, inC;
  int64_t kH, kW, outC;
  int64_t outH, outW;
  int64_t strideH, strideW, dilationH, dilationW;
  int64_t padTop, padLeft;
};

void conv2d(const ConvGeometry& g, const float* x, const float* filter, float* out, const Epilogue& ep);

}  // namespace fm
