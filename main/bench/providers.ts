import * as tf from '@tensorflow/tfjs'
import { activeGemm, setGemm, type GemmKernel, type GemmName } from '../engine/tf/gemm'
import { findGemmAddon } from '../engine/tf/gemm_addon'

/**
 * The matMul providers a bench can compare in one run: on the WASM backend BLAS (when the addon is
 * built) and WASM; on other backends only their own.
 */
export function benchGemmProviders(): GemmKernel[] {
  if (tf.getBackend() !== 'wasm') return [activeGemm()?.name ?? 'wasm']
  return findGemmAddon() ? ['blas', 'wasm'] : ['wasm']
}

/** Runs `f` with `name` as the matMul provider, then restores the one selected at start. */
export async function withGemm<T>(name: GemmKernel, f: () => Promise<T>): Promise<T> {
  if (tf.getBackend() !== 'wasm' || (name !== 'blas' && name !== 'wasm')) return f()
  const initial: GemmName = activeGemm()?.name === 'blas' ? 'blas' : 'wasm'
  setGemm(name)
  try {
    return await f()
  } finally {
    setGemm(initial)
  }
}
