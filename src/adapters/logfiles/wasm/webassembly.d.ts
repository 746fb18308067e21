/**
 * The few WebAssembly JS API declarations byte-window.ts uses. Node 20 has the API, but its typings live in
 * TypeScript's DOM library, which a server project must not pull in (it would type browser globals as present).
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
