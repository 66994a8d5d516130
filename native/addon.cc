// Node-API entry points. Every compute call gets the memory it works on as one ArrayBuffer (in
// filtermine, the wasm backend's heap: tensors stay where tfjs put them, nothing is copied) and
// its parameters as one Float64Array of byte offsets and sizes; see src/backend/native/addon.ts.
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <algorithm>
#include <string>

#include "conv.h"
#include "gemm.h"

namespace {

#define CHECK_NAPI(env, call)                                     \
  do {                                                            \
    if ((call) != napi_ok) {                                      \
      napi_throw_error((env), nullptr, "filtermine-native: " #call " failed"); \
      return nullptr;                                             \
    }                                                             \
  } while (0)

struct Args {
  uint8_t* heap = nullptr;
  size_t heapBytes = 0;
  const double* p = nullptr;
  size_t count = 0;
};

bool readArgs(napi_env env, napi_callback_info info, size_t expected, Args* out) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 2) {
    napi_throw_type_error(env, nullptr, "filtermine-native: expected (heap: ArrayBuffer, params: Float64Array)");
    return false;
  }
  bool isBuffer = false;
  napi_is_arraybuffer(env, argv[0], &isBuffer);
  if (!isBuffer) {
    napi_throw_type_error(env, nullptr, "filtermine-native: argument 1 must be an ArrayBuffer");
    return false;
  }
  void* data = nullptr;
  napi_get_arraybuffer_info(env, argv[0], &data, &out->heapBytes);
  out->heap = static_cast<uint8_t*>(data);
  bool isTyped = false;
  napi_is_typedarray(env, argv[1], &isTyped);
  napi_typedarray_type type;
  size_t length = 0;
  void* pdata = nullptr;
  if (isTyped) napi_get_typedarray_info(env, argv[1], &type, &length, &pdata, nullptr, nullptr);
  if (!isTyped || type != napi_float64_array || length != expected) {
    std::string msg = "filtermine-native: argument 2 must be a Float64Array of " + std::to_string(expected) + " parameters";
    napi_throw_type_error(env, nullptr, msg.c_str());
    return false;
  }
  out->p = static_cast<const double*>(pdata);
  out->count = length;
  return true;
}

// A float pointer at byte offset `offset` holding `count` floats, checked against the heap size.
float* at(napi_env env, const Args& a, double offset, double count, const char* what) {
  if (!(offset >= 0) || !(count >= 0) || std::fmod(offset, 4.0) != 0 ||
      offset + count * 4 > static_cast<double>(a.heapBytes)) {
    auto num = [](double v) {
      return v == std::floor(v) && std::fabs(v) < 9e15 ? std::to_string(static_cast<long long>(v)) : std::to_string(v);
    };
    std::string msg = std::string("filtermine-native: ") + what + " at byte offset " + num(offset) + " with " +
                      num(count) + " floats is outside the heap of " +
                      std::to_string(a.heapBytes) + " bytes";
    napi_throw_range_error(env, nullptr, msg.c_str());
    return nullptr;
  }
  return reinterpret_cast<float*>(a.heap + static_cast<size_t>(offset));
}

// Forward geometry from params [1..8] and [11..18] (see Conv2d); false (and a thrown error) if invalid.
bool readGeometry(napi_env env, const double* p, fm::ConvGeometry* out) {
  fm::ConvGeometry& g = *out;
  g.batch = static_cast<int64_t>(p[1]);
  g.inH = static_cast<int64_t>(p[2]);
  g.inW = static_cast<int64_t>(p[3]);
  g.inC = static_cast<int64_t>(p[4]);
  g.kH = static_cast<int64_t>(p[6]);
  g.kW = static_cast<int64_t>(p[7]);
  g.outC = static_cast<int64_t>(p[8]);
  g.outH = static_cast<int64_t>(p[11]);
  g.outW = static_cast<int64_t>(p[12]);
  g.strideH = static_cast<int64_t>(p[13]);
  g.strideW = static_cast<int64_t>(p[14]);
  g.dilationH = static_cast<int64_t>(p[15]);
  g.dilationW = static_cast<int64_t>(p[16]);
  g.padTop = static_cast<int64_t>(p[17]);
  g.padLeft = static_cast<int64_t>(p[18]);
  if (g.batch < 0 || g.inH < 1 || g.inW < 1 || g.inC < 1 || g.kH < 1 || g.kW < 1 || g.outC < 1 || g.outH < 0 ||
      g.outW < 0 || g.strideH < 1 || g.strideW < 1 || g.dilationH < 1 || g.dilationW < 1) {
    napi_throw_range_error(env, nullptr, "filtermine-native: conv2d: invalid geometry");
    return false;
  }
  return true;
}

// Conv2d and Conv2dBackpropInput share their parameters:
//   inOff, batch, inH, inW, inC, filterOff, kH, kW, outC, biasOff (-1: none), outOff,
//   outH, outW, strideH, strideW, dilationH, dilationW, padTop, padLeft, act, alpha
// (the forward geometry). Conv2d reads x at inOff and writes y at outOff; Conv2dBackpropInput reads
// dy (the output's shape) at inOff and writes dx (the input's shape) at outOff.
napi_value ConvCall(napi_env env, napi_callback_info info, bool inputGradient) {
  Args a;
  if (!readArgs(env, info, 21, &a)) return nullptr;
  const double* p = a.p;
  fm::ConvGeometry g;
  if (!readGeometry(env, p, &g)) return nullptr;
  const double xSize = double(g.batch * g.inH * g.inW * g.inC), ySize = double(g.batch * g.outH * g.outW * g.outC);
  const float* in = at(env, a, p[0], inputGradient ? ySize : xSize, inputGradient ? "conv2dBackpropInput dy" : "conv2d input");
  if (!in) return nullptr;
  const float* f = at(env, a, p[5], double(g.kH * g.kW * g.inC * g.outC), "conv2d filter");
  if (!f) return nullptr;
  float* out = at(env, a, p[10], inputGradient ? xSize : ySize, inputGradient ? "conv2dBackpropInput dx" : "conv2d output");
  if (!out) return nullptr;
  if (inputGradient) {
    fm::conv2dBackpropInput(g, in, f, out);
    return nullptr;
  }
  fm::Epilogue ep;
  if (p[9] >= 0) {
    ep.bias = at(env, a, p[9], double(g.outC), "conv2d bias");
    if (!ep.bias) return nullptr;
  }
  ep.act = static_cast<int>(p[19]);
  ep.alpha = static_cast<float>(p[20]);
  fm::conv2d(g, in, f, out, ep);
  return nullptr;
}

napi_value Conv2d(napi_env env, napi_callback_info info) { return ConvCall(env, info, false); }
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) { return ConvCall(env, info, true); }

// params: aOff, bOff, biasOff (-1: none), outOff, batch, M, N, K, transA, transB,
//         aBatchStride, bBatchStride (in floats; 0 broadcasts), act, alpha
napi_value MatMul(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, 14, &a)) return nullptr;
  const double* p = a.p;
  const int64_t batch = static_cast<int64_t>(p[4]), M = static_cast<int64_t>(p[5]),
                N = static_cast<int64_t>(p[6]), K = static_cast<int64_t>(p[7]);
  const bool transA = p[8] != 0, transB = p[9] != 0;
  const int64_t sa = static_cast<int64_t>(p[10]), sb = static_cast<int64_t>(p[11]);
  if (batch < 1 || M < 0 || N < 0 || K < 0 || sa < 0 || sb < 0) {
    napi_throw_range_error(env, nullptr, "filtermine-native: matmul: invalid sizes");
    return nullptr;
  }
  const float* A = at(env, a, p[0], double(sa * (batch - 1) + M * K), "matmul a");
  if (!A) return nullptr;
  const float* B = at(env, a, p[1], double(sb * (batch - 1) + K * N), "matmul b");
  if (!B) return nullptr;
  fm::Epilogue ep;
  if (p[2] >= 0) {
    ep.bias = at(env, a, p[2], double(N), "matmul bias");
    if (!ep.bias) return nullptr;
  }
  float* C = at(env, a, p[3], double(batch * M * N), "matmul output");
  if (!C) return nullptr;
  ep.act = static_cast<int>(p[12]);
  ep.alpha = static_cast<float>(p[13]);
  for (int64_t i = 0; i < batch; ++i) {
    const float* Ai = A + i * sa;
    fm::matmul(M, N, K, Ai, transA ? M : K, transA, fm::BView{B + i * sb, transB ? K : N, transB}, C + i * M * N, N, ep);
  }
  return nullptr;
}

// params: aOff, bOff, outOff, count, relu (0/1)
napi_value AddRelu(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, 5, &a)) return nullptr;
  const double n = a.p[3];
  if (!(n >= 0)) {
    napi_throw_range_error(env, nullptr, "filtermine-native: addRelu: invalid count");
    return nullptr;
  }
  const float* x = at(env, a, a.p[0], n, "addRelu a");
  if (!x) return nullptr;
  const float* y = at(env, a, a.p[1], n, "addRelu b");
  if (!y) return nullptr;
  float* out = at(env, a, a.p[2], n, "addRelu output");
  if (!out) return nullptr;
  fm::addRelu(x, y, out, static_cast<int64_t>(n), a.p[4] != 0);
  return nullptr;
}

// The single integer argument of a call, at least `min`; false (and a thrown TypeError) otherwise.
bool readInteger(napi_env env, napi_callback_info info, int64_t min, const char* what, int64_t* out) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 1 ||
      napi_get_value_int64(env, argv[0], out) != napi_ok || *out < min) {
    napi_throw_type_error(env, nullptr, what);
    return false;
  }
  return true;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  int64_t n = 0;
  if (!readInteger(env, info, 0, "filtermine-native: setThreads expects a non-negative integer (0 = all cores)", &n)) return nullptr;
  fm::setThreads(static_cast<int>(std::min<int64_t>(n, 1024)));
  return nullptr;
}

napi_value Peak(napi_env env, napi_callback_info info) {
  int64_t iterations = 0;
  if (!readInteger(env, info, 1, "filtermine-native: peakGflops expects a positive iteration count", &iterations)) return nullptr;
  napi_value out;
  CHECK_NAPI(env, napi_create_double(env, fm::peakGflops(iterations), &out));
  return out;
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj, simd, threads, mr, nr;
  CHECK_NAPI(env, napi_create_object(env, &obj));
  CHECK_NAPI(env, napi_create_string_utf8(env, fm::simdName(), NAPI_AUTO_LENGTH, &simd));
  CHECK_NAPI(env, napi_create_int32(env, fm::threads(), &threads));
  CHECK_NAPI(env, napi_create_int32(env, fm::kMR, &mr));
  CHECK_NAPI(env, napi_create_int32(env, fm::kNR, &nr));
  CHECK_NAPI(env, napi_set_named_property(env, obj, "simd", simd));
  CHECK_NAPI(env, napi_set_named_property(env, obj, "threads", threads));
  CHECK_NAPI(env, napi_set_named_property(env, obj, "mr", mr));
  CHECK_NAPI(env, napi_set_named_property(env, obj, "nr", nr));
  return obj;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default_jsproperty, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_default_jsproperty, nullptr},
      {"matmul", nullptr, MatMul, nullptr, nullptr, nullptr, napi_default_jsproperty, nullptr},
      {"addRelu", nullptr, AddRelu, nullptr, nullptr, nullptr, napi_default_jsproperty, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default_jsproperty, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default_jsproperty, nullptr},
      {"peakGflops", nullptr, Peak, nullptr, nullptr, nullptr, napi_default_jsproperty, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return nullptr;
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
