/**
 * @module adapters/logfiles/wasm-module
 * The embedded WebAssembly kernels (wasm/*.wat, assembled at build time) compiled lazily, once per thread.
 */

/**
 * A function giving the module of `base64`, compiled at its first call in this thread; null when this runtime cannot
 * compile it (no WebAssembly, as under `--jitless`, or no SIMD): the callers then use their JavaScript equivalents.
 */
export function wasmModuleOnce(base64: string): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(Buffer.from(base64, 'base64'));
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}
