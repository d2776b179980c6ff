import * as tf from '@tensorflow/tfjs'
import { customOp } from './custom_grad'
import { blasMatMul, usesBlasGemm } from './gemm'
import { installWasmZeroCopyKernels } from './wasm_zero_copy'

/**
 * Matrix products that stay on the fast kernels of every backend, with gradients that do too.
 *
 * On tfjs-backend-wasm only a plain, un-transposed, single-batch matMul reaches XNNPACK (30–37
 * GFLOP/s); a transposed operand or a batch > 1 falls to a naive loop (1–3 GFLOP/s), and tfjs's
 * default matMul gradient uses exactly those forms (docs/backends.md §2).
 * So on WASM a transpose is materialised with `tf.transpose` and a batched product is run as one
 * 2-D product per batch entry — unless the native BLAS provider is active (gemm.ts), which takes
 * every form directly, in place on the WASM heap. Other backends (WebGPU, native, cpu) get
 * `tf.matMul` with its flags.
 */

/** Whether the active backend needs the explicit-transpose, one-product-per-batch form. */
export function needsPlainMatMul(): boolean {
  if (tf.getBackend() !== 'wasm' || usesBlasGemm()) return false
  installWasmZeroCopyKernels() // per-batch products unstack their operands: make that cheap
  return true
}

function swapLast2<T extends tf.Tensor>(x: T): T {
  return (x.rank === 2 ? tf.transpose(x) : tf.transpose(x, [0, 2, 1])) as T
}

/**
 * `op(a) · op(b)` where `op` transposes the last two axes when its flag is set. `a` and `b` are both
 * 2-D, or both 3-D with the same batch size. Forward only (no custom gradient): see {@link matMul}.
 */
export function matMulFast<R extends tf.Rank.R2 | tf.Rank.R3>(a: tf.Tensor<R>, b: tf.Tensor<R>, transposeA = false, transposeB = false): tf.Tensor<R> {
  if (a.rank !== b.rank || (a.rank !== 2 && a.rank !== 3)) {
    throw new Error(`matMul: operands must both be 2-D or both 3-D, got shapes [${a.shape}] and [${b.shape}]`)
  }
  if (usesBlasGemm() && a.dtype === 'float32' && b.dtype === 'float32') return blasMatMul(a, b, transposeA, transposeB)
  if (!needsPlainMatMul()) return tf.matMul(a, b, transposeA, transposeB) as tf.Tensor<R>
  return tf.tidy(() => {
    const a2 = transposeA ? swapLast2(a) : a
    const b2 = transposeB ? swapLast2(b) : b
    if (a2.rank === 2 || a2.shape[0] === 1) return tf.matMul(a2, b2) as tf.Tensor<R>
    const as = tf.unstack(a2)
    const bs = tf.unstack(b2)
    return tf.stack(as.map((ai, i) => tf.matMul(ai as tf.Tensor2D, bs[i] as tf.Tensor2D))) as tf.Tensor<R>
  })
}

type MatMulFn = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor
const matMulOps = new Map<string, MatMulFn>()

function customMatMul(transposeA: boolean, transposeB: boolean): MatMulFn {
  const key = `${transposeA}${transposeB}`
  let op = matMulOps.get(key)
  if (op) return op
  op = customOp(([a, b], save) => {
    save([a!, b!])
    const value = matMulFast(a as tf.Tensor3D, b as tf.Tensor3D, transposeA, transposeB)
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D]
      const g = dy as tf.Tensor3D
      // y = op(a)·op(b): every case below is again a product of the fast kind.
      if (!transposeA && !transposeB) return [matMulFast(g, sb, false, true), matMulFast(sa, g, true, false)]
      if (!transposeA && transposeB) return [matMulFast(g, sb), matMulFast(g, sa, true, false)]
      if (transposeA && !transposeB) return [matMulFast(sb, g, false, true), matMulFast(sa, g)]
      return [matMulFast(sb, g, true, true), matMulFast(g, sa, true, true)]
    }
    return { value, gradFunc }
  })
  matMulOps.set(key, op)
  return op
}

/**
 * `op(a) · op(b)` (2-D, or 3-D batched with equal batch sizes) with a gradient written in the same
 * fast forms (explicit transposes, one 2-D product per batch entry on WASM).
 */
export function matMul<R extends tf.Rank.R2 | tf.Rank.R3>(a: tf.Tensor<R>, b: tf.Tensor<R>, transposeA = false, transposeB = false): tf.Tensor<R> {
  if (a.rank !== b.rank || (a.rank !== 2 && a.rank !== 3)) {
    throw new Error(`matMul: operands must both be 2-D or both 3-D, got shapes [${a.shape}] and [${b.shape}]`)
  }
  return customMatMul(transposeA, transposeB)(a, b) as tf.Tensor<R>
}
