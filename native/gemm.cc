// See gemm.h. Layout of the packed operands:
//   A micro-panel (MR rows x kc): groups of 8 k's; in each group MR rows of 8 consecutive floats.
//   B (K x N, padded to N' = ceil(N / NR) * NR and kc' = ceil(kc / 8) * 8 per K block): the block
//   starting at k0 begins at k0 * N'; inside it, NR-column panels of kc' x NR floats.
#include "gemm.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace fm {
namespace {

#if defined(__AVX512F__)
constexpr const char* kSimd = "avx512";
#elif defined(__AVX__)
constexpr const char* kSimd = "avx2";
#else
constexpr const char* kSimd = "simd128";
#endif
constexpr int VW = kVW;
constexpr int MR = kMR;
constexpr int NR = kNR;
constexpr int KC = 512;       // K block (a B micro-panel is KC x NR)
constexpr int MC = MR * 24;   // M block: an A block (MC x KC) stays in L2
constexpr int NC = NR * 16;   // N block of one task
constexpr int kNarrow = NR * 4;  // at most this many columns: pack-and-use order (see gemm)

typedef float vf __attribute__((vector_size(VW * 4)));
typedef float vfu __attribute__((vector_size(VW * 4), aligned(4), may_alias));

inline vf loadu(const float* p) { return *reinterpret_cast<const vfu*>(p); }
inline void storeu(float* p, vf v) { *reinterpret_cast<vfu*>(p) = v; }

inline vf activate(vf v, int act, float alpha) {
  const vf zero = {};
  switch (act) {
    case kRelu: return v > zero ? v : zero;
    case kRelu6: {
      const vf six = zero + 6.f;
      v = v > zero ? v : zero;
      return v < six ? v : six;
    }
    case kLeakyRelu: return v > zero ? v : v * alpha;
    default: return v;
  }
}

inline float activate1(float v, int act, float alpha) {
  switch (act) {
    case kRelu: return v > 0.f ? v : 0.f;
    case kRelu6: return v > 0.f ? (v < 6.f ? v : 6.f) : 0.f;
    case kLeakyRelu: return v > 0.f ? v : v * alpha;
    default: return v;
  }
}

struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<float, AlignedFree>;

Buffer allocFloats(size_t n) {
  size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
  void* p = std::aligned_alloc(64, bytes == 0 ? 64 : bytes);
  if (!p) throw std::bad_alloc();
  return Buffer(static_cast<float*>(p));
}

// MR x NR tile over kc8 groups of 8 k's: the raw product, then accumulate / bias / activation.
// `bias` points at the tile's first column (or is null); `last` applies bias and activation.
void microKernel(int kc8, const float* __restrict a, const float* __restrict b, float* c, int64_t ldc,
                 bool accumulate, bool last, const float* bias, int act, float alpha) {
  vf c0[MR], c1[MR];
#pragma GCC unroll 12
  for (int i = 0; i < MR; ++i) c0[i] = c1[i] = vf{};
  for (int g = 0; g < kc8; ++g) {
#pragma GCC unroll 8
    for (int q = 0; q < 8; ++q) {
      const vf b0 = *reinterpret_cast<const vf*>(b + q * NR);
      const vf b1 = *reinterpret_cast<const vf*>(b + q * NR + VW);
#pragma GCC unroll 12
      for (int i = 0; i < MR; ++i) {
        const float ai = a[i * 8 + q];
        c0[i] += ai * b0;
        c1[i] += ai * b1;
      }
    }
    a += MR * 8;
    b += 8 * NR;
  }
  vf bias0 = {}, bias1 = {};
  if (last && bias) {
    bias0 = loadu(bias);
    bias1 = loadu(bias + VW);
  }
#pragma GCC unroll 12
  for (int i = 0; i < MR; ++i) {
    float* row = c + i * ldc;
    vf v0 = c0[i], v1 = c1[i];
    if (accumulate) {
      v0 += loadu(row);
      v1 += loadu(row + VW);
    }
    if (last) {
      v0 = activate(v0 + bias0, act, alpha);
      v1 = activate(v1 + bias1, act, alpha);
    }
    storeu(row, v0);
    storeu(row + VW, v1);
  }
}

// A partial tile (rows < MR or cols < NR): the kernel writes a scratch tile, merged here.
void edgeTile(int kc8, const float* a, const float* b, float* c, int64_t ldc, int rows, int cols,
              bool accumulate, bool last, const float* bias, int act, float alpha) {
  alignas(64) float tile[MR * NR];
  microKernel(kc8, a, b, tile, NR, false, false, nullptr, kLinear, 0.f);
  for (int i = 0; i < rows; ++i) {
    float* row = c + i * ldc;
    for (int j = 0; j < cols; ++j) {
      float v = tile[i * NR + j];
      if (accumulate) v += row[j];
      if (last) v = activate1(v + (bias ? bias[j] : 0.f), act, alpha);
      row[j] = v;
    }
  }
}

// ---- thread pool -------------------------------------------------------------------------

class Pool {
 public:
  explicit Pool(int n) {
    for (int i = 1; i < n; ++i) workers_.emplace_back([this] { loop(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void run(int64_t tasks, const std::function<void(int64_t)>& fn) {
    // Calls from several JS threads (worker_threads share this process's pool) take turns.
    std::lock_guard<std::mutex> turn(runMu_);
    if (workers_.empty() || tasks <= 1) {
      for (int64_t t = 0; t < tasks; ++t) fn(t);
      return;
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      job_ = &fn;
      total_ = tasks;
      next_.store(0);
      pending_ = static_cast<int>(workers_.size());
      ++generation_;
    }
    wake_.notify_all();
    for (int64_t t; (t = next_.fetch_add(1)) < tasks;) fn(t);
    std::unique_lock<std::mutex> lk(mu_);
    done_.wait(lk, [this] { return pending_ == 0; });
    job_ = nullptr;
  }

 private:
  void loop() {
    uint64_t seen = 0;
    for (;;) {
      std::unique_lock<std::mutex> lk(mu_);
      wake_.wait(lk, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      const auto* fn = job_;
      const int64_t total = total_;
      lk.unlock();
      for (int64_t t; (t = next_.fetch_add(1)) < total;) (*fn)(t);
      lk.lock();
      if (--pending_ == 0) done_.notify_all();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex runMu_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  const std::function<void(int64_t)>* job_ = nullptr;
  std::atomic<int64_t> next_{0};
  int64_t total_ = 0;
  int pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

std::mutex poolMu;
std::unique_ptr<Pool> pool;
int wantedThreads = 0;

Pool& getPool() {
  std::lock_guard<std::mutex> lk(poolMu);
  if (!pool) {
    int n = wantedThreads;
    if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    pool = std::make_unique<Pool>(n);
  }
  return *pool;
}

// ---- B packing ------------------------------------------------------------------------------

void packB(const BView& b, int64_t K, int64_t N, float* bp) {
  const int64_t npad = (N + NR - 1) / NR * NR;
  const int64_t panels = npad / NR;
  const int64_t kblocks = (K + KC - 1) / KC;
  parallelFor(kblocks * panels, [&](int64_t task) {
    const int64_t kb = task / panels, j = task % panels;
    const int64_t k0 = kb * KC;
    const int kc = static_cast<int>(std::min<int64_t>(KC, K - k0));
    const int kcp = (kc + 7) / 8 * 8;
    float* dst = bp + k0 * npad + j * kcp * NR;
    const int64_t n0 = j * NR;
    const int cols = static_cast<int>(std::min<int64_t>(NR, N - n0));
    if (!b.trans) {
      for (int p = 0; p < kc; ++p) {
        const float* src = b.data + (k0 + p) * b.ld + n0;
        float* d = dst + p * NR;
        if (cols == NR) {
          std::memcpy(d, src, NR * sizeof(float));
        } else {
          for (int t = 0; t < cols; ++t) d[t] = src[t];
          for (int t = cols; t < NR; ++t) d[t] = 0.f;
        }
      }
    } else {
      for (int p = 0; p < kc; ++p)
        for (int t = cols; t < NR; ++t) dst[p * NR + t] = 0.f;
      for (int t = 0; t < cols; ++t) {
        const float* src = b.data + (n0 + t) * b.ld + k0;
        for (int p = 0; p < kc; ++p) dst[p * NR + t] = src[p];
      }
    }
    std::memset(dst + kc * NR, 0, static_cast<size_t>(kcp - kc) * NR * sizeof(float));
  });
}


// ---- few rows (dense layers on a small batch) -------------------------------------------------
// With M <= 8 the product is bound by reading B once; packing B would read and write it again.
// C rows [0, R) x columns [n0, n0 + 2 VW) = A (R x K, row-major) * B (K x N, row-major).
template <int R>
void fewRowsNN(int64_t K, const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc,
               int64_t n0, const Epilogue& ep) {
  vf acc0[R], acc1[R];
  for (int i = 0; i < R; ++i) acc0[i] = acc1[i] = vf{};
  const float* bp = b + n0;
  for (int64_t k = 0; k < K; ++k, bp += ldb) {
    const vf b0 = loadu(bp), b1 = loadu(bp + VW);
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
      const float ai = a[i * lda + k];
      acc0[i] += ai * b0;
      acc1[i] += ai * b1;
    }
  }
  vf bias0 = {}, bias1 = {};
  if (ep.bias) {
    bias0 = loadu(ep.bias + n0);
    bias1 = loadu(ep.bias + n0 + VW);
  }
  for (int i = 0; i < R; ++i) {
    storeu(c + i * ldc + n0, activate(acc0[i] + bias0, ep.act, ep.alpha));
    storeu(c + i * ldc + n0 + VW, activate(acc1[i] + bias1, ep.act, ep.alpha));
  }
}

// C rows [0, R) x columns [n0, n0 + 2) = A (R x K) * B^T, B stored N x K (row n is column n of op(B)).
template <int R>
void fewRowsNT(int64_t K, const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc,
               int64_t n0, int cols, const Epilogue& ep) {
  vf acc0[R], acc1[R];
  for (int i = 0; i < R; ++i) acc0[i] = acc1[i] = vf{};
  const float* b0p = b + n0 * ldb;
  const float* b1p = cols > 1 ? b0p + ldb : b0p;
  int64_t k = 0;
  for (; k + VW <= K; k += VW) {
    const vf b0 = loadu(b0p + k), b1 = loadu(b1p + k);
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
      const vf ai = loadu(a + i * lda + k);
      acc0[i] += ai * b0;
      acc1[i] += ai * b1;
    }
  }
  for (int i = 0; i < R; ++i) {
    float s0 = 0.f, s1 = 0.f;
    for (int t = 0; t < VW; ++t) {
      s0 += acc0[i][t];
      s1 += acc1[i][t];
    }
    for (int64_t kk = k; kk < K; ++kk) {
      s0 += a[i * lda + kk] * b0p[kk];
      s1 += a[i * lda + kk] * b1p[kk];
    }
    c[i * ldc + n0] = activate1(s0 + (ep.bias ? ep.bias[n0] : 0.f), ep.act, ep.alpha);
    if (cols > 1) c[i * ldc + n0 + 1] = activate1(s1 + (ep.bias ? ep.bias[n0 + 1] : 0.f), ep.act, ep.alpha);
  }
}

template <template <int> class F, typename... Args>
void withRows(int rows, Args... args) {
  switch (rows) {
    case 1: F<1>::run(args...); break;
    case 2: F<2>::run(args...); break;
    case 3: F<3>::run(args...); break;
    case 4: F<4>::run(args...); break;
    case 5: F<5>::run(args...); break;
    case 6: F<6>::run(args...); break;
    case 7: F<7>::run(args...); break;
    default: F<8>::run(args...); break;
  }
}

template <int R>
struct NN {
  static void run(int64_t K, const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc,
                  int64_t n0, const Epilogue* ep) {
    fewRowsNN<R>(K, a, lda, b, ldb, c, ldc, n0, *ep);
  }
};

template <int R>
struct NT {
  static void run(int64_t K, const float* a, int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc,
                  int64_t n0, int cols, const Epilogue* ep) {
    fewRowsNT<R>(K, a, lda, b, ldb, c, ldc, n0, cols, *ep);
  }
};

constexpr int64_t kFewRows = 8;

void fewRows(int64_t M, int64_t N, int64_t K, const float* a, int64_t lda, const BView& b, float* c, int64_t ldc,
             const Epilogue& ep) {
  const int rows = static_cast<int>(M);
  if (!b.trans) {
    const int64_t full = N / NR;  // full 2-vector column chunks; the rest is done by scalar code
    const int64_t perTask = 4;
    parallelFor((full + perTask - 1) / perTask, [&](int64_t t) {
      for (int64_t j = t * perTask; j < std::min(full, (t + 1) * perTask); ++j)
        withRows<NN>(rows, K, a, lda, b.data, b.ld, c, ldc, j * NR, &ep);
    });
    for (int64_t n = full * NR; n < N; ++n)
      for (int i = 0; i < rows; ++i) {
        float s = 0.f;
        for (int64_t k = 0; k < K; ++k) s += a[i * lda + k] * b.data[k * b.ld + n];
        c[i * ldc + n] = activate1(s + (ep.bias ? ep.bias[n] : 0.f), ep.act, ep.alpha);
      }
  } else {
    const int64_t pairs = (N + 1) / 2;
    const int64_t perTask = 16;
    parallelFor((pairs + perTask - 1) / perTask, [&](int64_t t) {
      for (int64_t j = t * perTask; j < std::min(pairs, (t + 1) * perTask); ++j)
        withRows<NT>(rows, K, a, lda, b.data, b.ld, c, ldc, j * 2, static_cast<int>(std::min<int64_t>(2, N - j * 2)), &ep);
    });
  }
}

}  // namespace

const char* simdName() { return kSimd; }

void setThreads(int n) {
  std::lock_guard<std::mutex> lk(poolMu);
  wantedThreads = n;
  pool.reset();
}

int threads() { return getPool().size(); }

void parallelFor(int64_t tasks, const std::function<void(int64_t)>& fn) { getPool().run(tasks, fn); }

PackA matrixPacker(const float* a, int64_t lda, bool trans) {
  return [=](float* dst, int64_t m0, int rows, int64_t k0, int kc) {
    const int kcp = (kc + 7) / 8 * 8;
    if (!trans) {
      for (int i = 0; i < rows; ++i) {
        packPut(dst, i, 0, a + (m0 + i) * lda + k0, kc);
        packPut(dst, i, kc, nullptr, kcp - kc);
      }
    } else {
      for (int p = 0; p < kc; ++p) {
        const float* src = a + (k0 + p) * lda + m0;
        float* d = dst + ((p >> 3) * MR) * 8 + (p & 7);
        for (int i = 0; i < rows; ++i) d[i * 8] = src[i];
      }
      for (int i = 0; i < rows; ++i) packPut(dst, i, kc, nullptr, kcp - kc);
    }
    for (int i = rows; i < MR; ++i) packPut(dst, i, 0, nullptr, kcp);
  };
}

void gemm(int64_t M, int64_t N, int64_t K, const PackA& packA, const BView& b, float* c, int64_t ldc,
          const Epilogue& ep) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n)
        c[m * ldc + n] = activate1(ep.bias ? ep.bias[n] : 0.f, ep.act, ep.alpha);
    return;
  }
  const int64_t npad = (N + NR - 1) / NR * NR;
  const int64_t kpad = (K + 7) / 8 * 8;
  // The packed B lives in a buffer kept by the calling thread: fresh multi-megabyte allocations
  // would page-fault on every call.
  thread_local Buffer bbuf;
  thread_local size_t bbufSize = 0;
  const size_t bneed = static_cast<size_t>(kpad * npad);
  if (bbufSize < bneed) {
    bbuf.reset();
    bbuf = allocFloats(bneed);
    bbufSize = bneed;
  }
  float* const bpacked = bbuf.get();
  packB(b, K, N, bpacked);

  // Smaller M blocks when there are few rows, so that every thread gets work.
  const int64_t nblocks = (N + NC - 1) / NC;
  const int64_t threadsNow = getPool().size();
  int64_t mc = MC;
  while (mc > MR && ((M + mc - 1) / mc) * nblocks < 4 * threadsNow) mc -= MR;
  const int64_t mblocks = (M + mc - 1) / mc;
  const int64_t kblocks = (K + KC - 1) / KC;
  const int64_t panelFloats = static_cast<int64_t>(MR) * ((std::min<int64_t>(K, KC) + 7) / 8 * 8);

  parallelFor(mblocks * nblocks, [&](int64_t task) {
    const int64_t mb = task / nblocks, nb = task % nblocks;
    const int64_t m0 = mb * mc, mEnd = std::min(M, m0 + mc);
    const int64_t n0 = nb * NC, nEnd = std::min(N, n0 + NC);
    const int64_t micro = (mEnd - m0 + MR - 1) / MR;
    thread_local Buffer abuf;
    thread_local size_t abufSize = 0;
    const size_t need = static_cast<size_t>(micro * panelFloats);
    if (abufSize < need) {
      abuf = allocFloats(need);
      abufSize = need;
    }
    float* ap = abuf.get();
    for (int64_t kb = 0; kb < kblocks; ++kb) {
      const int64_t k0 = kb * KC;
      const int kc = static_cast<int>(std::min<int64_t>(KC, K - k0));
      const int kc8 = (kc + 7) / 8;
      const bool accumulate = kb > 0, last = kb == kblocks - 1;
      auto tile = [&](int64_t r, const float* apanel, int64_t nj) {
        const float* bpanel = bpacked + k0 * npad + (nj / NR) * kc8 * 8 * NR;
        const int cols = static_cast<int>(std::min<int64_t>(NR, nEnd - nj));
        const float* bias = ep.bias ? ep.bias + nj : nullptr;
        const int64_t mr0 = m0 + r * MR;
        const int rows = static_cast<int>(std::min<int64_t>(MR, mEnd - mr0));
        float* ctile = c + mr0 * ldc + nj;
        if (rows == MR && cols == NR) {
          microKernel(kc8, apanel, bpanel, ctile, ldc, accumulate, last, bias, ep.act, ep.alpha);
        } else {
          edgeTile(kc8, apanel, bpanel, ctile, ldc, rows, cols, accumulate, last, bias, ep.act, ep.alpha);
        }
      };
      if (nEnd - n0 <= kNarrow) {
        // Few columns: each A micro-panel is used by few tiles, so pack it and use it at once,
        // while it is in L1; the whole B block (<= kNarrow columns) stays in L2.
        for (int64_t r = 0; r < micro; ++r) {
          const int64_t mr0 = m0 + r * MR;
          packA(ap, mr0, static_cast<int>(std::min<int64_t>(MR, mEnd - mr0)), k0, kc);
          for (int64_t nj = n0; nj < nEnd; nj += NR) tile(r, ap, nj);
        }
        continue;
      }
      for (int64_t r = 0; r < micro; ++r) {
        const int64_t mr0 = m0 + r * MR;
        packA(ap + r * MR * kc8 * 8, mr0, static_cast<int>(std::min<int64_t>(MR, mEnd - mr0)), k0, kc);
      }
      for (int64_t nj = n0; nj < nEnd; nj += NR)
        for (int64_t r = 0; r < micro; ++r) tile(r, ap + r * MR * kc8 * 8, nj);
    }
  });
}

void matmul(int64_t M, int64_t N, int64_t K, const float* a, int64_t lda, bool transA, const BView& b, float* c,
            int64_t ldc, const Epilogue& ep) {
  if (!transA && M > 0 && M <= kFewRows && N > 0 && K > 0) {
    fewRows(M, N, K, a, lda, b, c, ldc, ep);
    return;
  }
  gemm(M, N, K, matrixPacker(a, lda, transA), b, c, ldc, ep);
}

double peakGflops(int64_t iterations) {
  // Independent FMA chains (more than the FMA latency x throughput product), no memory traffic:
  // the arithmetic limit of one core times the threads, the ceiling for any float32 kernel here.
  std::atomic<int64_t> flops{0};
  const int nthreads = threads();
  auto start = std::chrono::steady_clock::now();
  parallelFor(nthreads, [&](int64_t) {
    const vf m = vf{} + 0.999999f, a = vf{} + 1e-7f;
    vf a0 = vf{} + 1.f, a1 = a0 + 1.f, a2 = a0 + 2.f, a3 = a0 + 3.f, a4 = a0 + 4.f, a5 = a0 + 5.f, a6 = a0 + 6.f,
       a7 = a0 + 7.f, a8 = a0 + 8.f, a9 = a0 + 9.f, a10 = a0 + 10.f, a11 = a0 + 11.f;
    for (int64_t it = 0; it < iterations; ++it) {
      a0 = a0 * m + a; a1 = a1 * m + a; a2 = a2 * m + a; a3 = a3 * m + a;
      a4 = a4 * m + a; a5 = a5 * m + a; a6 = a6 * m + a; a7 = a7 * m + a;
      a8 = a8 * m + a; a9 = a9 * m + a; a10 = a10 * m + a; a11 = a11 * m + a;
    }
    const vf sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    if (sum[0] == 12345.f) std::abort();  // keeps the loop
    flops += iterations * 12 * VW * 2;
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return flops.load() / seconds / 1e9;
}

void addRelu(const float* a, const float* b, float* out, int64_t n, bool relu) {
  constexpr int64_t kChunk = 1 << 16;  // floats per task: 256 KB of each operand
  parallelFor((n + kChunk - 1) / kChunk, [&](int64_t t) {
    const int64_t begin = t * kChunk, end = std::min(n, begin + kChunk);
    const vf zero = {};
    int64_t i = begin;
    for (; i + VW <= end; i += VW) {
      vf v = loadu(a + i) + loadu(b + i);
      if (relu) v = v > zero ? v : zero;
      storeu(out + i, v);
    }
    for (; i < end; ++i) {
      const float v = a[i] + b[i];
      out[i] = relu ? (v > 0.f ? v : 0.f) : v;
    }
  });
}

}  // namespace fm
