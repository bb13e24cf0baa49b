// Which build of a wasm module this engine can run. The page's and the training worker's
// modules use 128-bit SIMD, which every current engine has (Chrome 91, Firefox 89, Safari 16.4
// and later); an engine without it, or with it turned off, gets the same code built without.

/**
 * The smallest module that uses SIMD: one function returning i8x16.popcnt(i8x16.splat(0)). An
 * engine that validates it runs the SIMD builds.
 */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // types: () -> v128
  0x03, 0x02, 0x01, 0x00, // functions: one, of type 0
  0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x62, 0x0b, // code
]);

/** Whether this engine runs WebAssembly at all. */
export const hasWasm = () => typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';

/** Whether this engine runs WebAssembly's 128-bit SIMD. */
export function hasSimd() {
  try {
    return hasWasm() && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}
