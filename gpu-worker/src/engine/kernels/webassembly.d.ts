/**
 * The part of the WebAssembly JS API our kernels use. Node has it all at run time; the types live
 * in TypeScript's DOM library, which this Node-only package does not load. A module (imported for
 * its types by the files that use them), so every package compiling those files sees it.
 */
declare global {
  namespace WebAssembly {
    class Module {
      private readonly brand: 'WebAssembly.Module'
    }
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number; shared?: boolean })
      readonly buffer: ArrayBuffer | SharedArrayBuffer
      /** Adds `delta` pages; returns the size before, in pages. */
      grow(delta: number): number
    }
    function compile(bytes: Uint8Array): Promise<Module>
  }
}

export {}
