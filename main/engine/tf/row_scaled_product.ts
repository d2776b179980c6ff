import * as tf from '@tensorflow/tfjs'
import { customOp } from './custom_grad'
import { activeGemmAddon } from './gemm'
import type { GemmAddon } from './gemm_addon'
import { linear } from './linear'
import { matMulFast } from './matmul'
import type { WasmBackend, WasmTensorInfo } from './wasm_heap'

/**
 * `scale ⊙ init + x·Wᵀ`, row by row: for `x` [S·R, K], a linear's `weight` W [N, K], `init` [R, N]
 * shared by the S blocks of R rows, and `scale` [S·R, 1]: [S·R, N]. The STCA branch's projections of
 * all mixing scales are this (branch_projections.ts). On the BLAS provider it is one native pass (the
 * product accumulates onto the row-scaled init, native/gemm/row_scale.c), and the gradients of
 * `scale` and `init` one more; elsewhere it is tf ops. Differentiable with respect to all four.
 */

const FORWARD = 'StddRowScaledProduct'
const BACKWARD = 'StddRowScaleGrad'

type KernelArgs = { inputs: Record<string, WasmTensorInfo>; backend: WasmBackend }

function register(addon: GemmAddon): void {
  if (tf.getKernel(FORWARD, 'wasm')) return
  const view = (backend: WasmBackend, t: WasmTensorInfo): Float32Array => backend.typedArrayFromHeap(t) as Float32Array
  const forward = ({ inputs: { scale, init, x, weight }, backend }: KernelArgs): WasmTensorInfo => {
    const [m, k] = x!.shape as [number, number]
    const n = weight!.shape[0]!
    const out = backend.makeOutput([m, n], 'float32')
    // makeOutput may grow the heap, which detaches older views: take them afterwards.
    addon.sgemmRowScaled(m, n, k, view(backend, x!), view(backend, weight!), view(backend, out), view(backend, scale!), view(backend, init!), init!.shape[0]!)
    return out
  }
  const backward = ({ inputs: { scale, init, dy }, backend }: KernelArgs): WasmTensorInfo[] => {
    const [rows, n] = init!.shape as [number, number]
    const dinit = backend.makeOutput(init!.shape, 'float32')
    const dscale = backend.makeOutput(scale!.shape, 'float32')
    addon.rowScaleBackward(scale!.shape[0]! / rows, rows, n, view(backend, scale!), view(backend, init!), view(backend, dy!), view(backend, dinit), view(backend, dscale))
    return [dinit, dscale]
  }
  tf.registerKernel({ kernelName: FORWARD, backendName: 'wasm', kernelFunc: forward as unknown as tf.KernelFunc })
  tf.registerKernel({ kernelName: BACKWARD, backendName: 'wasm', kernelFunc: backward as unknown as tf.KernelFunc })
}

const native = customOp(([scale, init, x, weight], save) => {
  save([scale!, init!, x!, weight!])
  return {
    value: tf.engine().runKernel(FORWARD, { scale: scale!, init: init!, x: x!, weight: weight! }) as tf.Tensor,
    gradFunc: (dy, saved) => {
      const [s, p, sx, w] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]
      const [dinit, dscale] = tf.engine().runKernel(BACKWARD, { scale: s, init: p, dy }) as [tf.Tensor, tf.Tensor]
      const g = dy as tf.Tensor2D
      return [dscale, dinit, matMulFast(g, w), matMulFast(g, sx, true, false)]
    },
  }
})

export function rowScaledProduct(scale: tf.Tensor2D, init: tf.Tensor2D, x: tf.Tensor2D, weight: tf.Tensor2D): tf.Tensor2D {
  const [m, k] = x.shape
  const [rows, n] = init.shape
  if (m % rows !== 0 || scale.shape[0] !== m || scale.shape[1] !== 1 || weight.shape[0] !== n || weight.shape[1] !== k) {
    throw new Error(`rowScaledProduct: scale [${scale.shape}], init [${init.shape}], x [${x.shape}] and weight [${weight.shape}] do not fit (need scale [S·R, 1], init [R, N], x [S·R, K], weight [N, K])`)
  }
  const addon = activeGemmAddon()
  if (addon && [scale, init, x, weight].every((t) => t.dtype === 'float32')) {
    register(addon)
    return native(scale, init, x, weight) as tf.Tensor2D
  }
  return tf.tidy(() => tf.add(tf.mul(scale.reshape([m / rows, rows, 1]), init.reshape([1, rows, n])).reshape([m, n]), linear(x, { weight })) as tf.Tensor2D)
}
