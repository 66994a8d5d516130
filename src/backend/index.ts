/** Compute backend selection and the extra kernels filtermine registers for the wasm backend. */
export { selectBackend, describeBackend, activeBackendId, BACKEND_ENV_VAR, type BackendName, type BackendInfo, type BackendAttempt } from './select';
export { registerBackendCandidate, type BackendCandidate, type CandidateLoad } from './candidates';
export { registerWasmGradientKernels, gradientKernelConfigs, correctedKernelNames, registerKernelCorrections } from './wasm-kernels';
