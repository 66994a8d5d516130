/** The optional native addon and the wasm kernels it serves. */
export { loadNativeAddon, nativeAddonPath, THREADS_ENV_VAR, type NativeAddon, type NativeInfo } from './addon';
export { installNativeKernels, uninstallNativeKernels, nativeKernelsInstalled, nativeKernelCounts, wasmBackendMismatches, NATIVE_TFJS_VERSION, type NativeKernelCounts } from './kernels';
