// Blocked float32 matrix product C = op(A) * B (+ bias, activation) for row-major data, in the
// style of BLIS/GotoBLAS: B is packed into NR-column panels once per call, A is packed per
// (MC x KC) block by a caller-supplied packer (so a convolution packs its implicit im2col rows
// straight from the NHWC input, without an im2col buffer), and a register-blocked micro-kernel
// computes MR x NR tiles. Work is split over a 2-D grid of (M block, N block) tasks that each own
// their C tile for the whole K loop, so threads never write the same memory.
//
// The micro-kernel is written with GCC/Clang vector extensions, so one source gives AVX-512
// (12 x 32 tile), AVX/AVX2 (6 x 16) or 128-bit SIMD (6 x 8) code depending on -march.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace fm {

// Micro-kernel tile of this build (rows x columns) and SIMD width in floats.
#if defined(__AVX512F__)
constexpr int kVW = 16, kMR = 12;
#elif defined(__AVX__)
constexpr int kVW = 8, kMR = 6;
#else
constexpr int kVW = 4, kMR = 6;
#endif
constexpr int kNR = 2 * kVW;

// Writes `len` floats from src (zeros when src is null) at columns [p, p + len) of row i of a
// packed A micro-panel (layout below: groups of 8 columns, kMR rows of 8 floats per group).
inline void packPut(float* dst, int i, int p, const float* src, int len) {
  float* d = dst + ((p >> 3) * kMR + i) * 8 + (p & 7);
  int head = (8 - (p & 7)) & 7;
  if (head > len) head = len;
  for (int t = 0; t < head; ++t) d[t] = src ? src[t] : 0.f;
  if (head) {
    d += head + (kMR - 1) * 8;  // to the next group of this row
    if (src) src += head;
    len -= head;
  }
  if (src) {
    for (; len >= 8; len -= 8, src += 8, d += kMR * 8) __builtin_memcpy(d, src, 8 * sizeof(float));
  } else {
    for (; len >= 8; len -= 8, d += kMR * 8) __builtin_memset(d, 0, 8 * sizeof(float));
  }
  for (int t = 0; t < len; ++t) d[t] = src ? src[t] : 0.f;
}

// Activation applied in the epilogue (values match the JS side, src/backend/native/kernels.ts).
enum Act : int { kLinear = 0, kRelu = 1, kRelu6 = 2, kLeakyRelu = 3 };

struct Epilogue {
  const float* bias = nullptr;  // length N, or null
  int act = kLinear;
  float alpha = 0.f;  // leaky relu slope
};

// Packs rows [m0, m0 + rows) (rows <= MR) and columns [k0, k0 + kc) of op(A) into `dst` with the
// layout the micro-kernel reads: for each group of 8 k's, MR rows of 8 floats
// (element (i, p) at ((p / 8) * MR + i) * 8 + p % 8). Rows past `rows` and k's past kc must be 0.
using PackA = std::function<void(float* dst, int64_t m0, int rows, int64_t k0, int kc)>;

// Packs B (K x N): `b(k, n)` addressed as b[k * ldb + n] (trans = false) or b[n * ldb + k] (true).
struct BView {
  const float* data;
  int64_t ld;
  bool trans;
};

// C (M x N, row stride ldc) = op(A) * B, with the epilogue applied once, after the full K sum.
void gemm(int64_t M, int64_t N, int64_t K, const PackA& packA, const BView& b, float* c,
          int64_t ldc, const Epilogue& ep);

// C = op(A) * op(B) for plain matrices: a product with at most 8 rows streams B once without
// packing it (dense layers on a small batch); larger ones go through gemm().
void matmul(int64_t M, int64_t N, int64_t K, const float* a, int64_t lda, bool transA, const BView& b, float* c,
            int64_t ldc, const Epilogue& ep);

// A packer for a plain matrix: a(m, k) at a[m * lda + k] (trans = false) or a[k * lda + m].
PackA matrixPacker(const float* a, int64_t lda, bool trans);

// The SIMD flavour this build was compiled for (the tile is kMR x kNR, above).
const char* simdName();

// out = a + b (then max(., 0) when relu), elementwise over n floats, on the pool.
void addRelu(const float* a, const float* b, float* out, int64_t n, bool relu);

// Measured arithmetic limit: GFLOP/s of an FMA-only loop on every pool thread.
double peakGflops(int64_t iterations);

// Worker threads used by gemm (the calling thread counts as one). 0 = hardware concurrency.
void setThreads(int n);
int threads();

// Runs fn(task) for task in [0, tasks) on the pool; returns when all are done.
void parallelFor(int64_t tasks, const std::function<void(int64_t)>& fn);

}  // namespace fm
