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

// The gradient of conv2d with respect to its input: dx (batch x inH x inW x inC) from
// dy (batch x outH x outW x outC), for the forward geometry g. Stride 1: a convolution of dy with
// the flipped, transposed filter. Otherwise: dy * filter^T into per-image columns, then each dx
// pixel gathers the columns of the taps that read it (no write conflicts between threads).
void conv2dBackpropInput(const ConvGeometry& g, const float* dy, const float* filter, float* dx);

}  // namespace fm
