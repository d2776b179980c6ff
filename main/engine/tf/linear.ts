import * as tf from '@tensorflow/tfjs'
import { customOp } from './custom_grad'
import { blasMatMul, usesBlasGemm } from './gemm'
import { matMulFast, needsPlainMatMul } from './matmul'
import { engineKernelsActive } from './webgpu/install'
import { trackWeight } from './webgpu/packed_weights'

/**
 * A PyTorch / Hugging Face `nn.Linear`: `y = x · Wᵀ + b` with `W` stored as [out, in].
 *
 * The gradient is written by hand so forward and backward use only fast products
 * (see matmul.ts): dx = dy · W, dW = dyᵀ · x, db = Σ dy — tfjs's default gradient would use the
 * transposed forms that run ≈20× slower on WASM.
 *
 * Forward on WASM: x·Wᵀ needs a transposed operand. Transposing W costs in·out per call; when there
 * are few rows (n·(in + out) < in·out, e.g. one image or a few prompts) it is cheaper to compute
 * (W·xᵀ)ᵀ, transposing only the small activations. With the BLAS provider (gemm.ts) every form is
 * one call, forward and backward.
 */
function forward(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const [n, inDim] = x.shape
  const out = w.shape[0]
  if (needsPlainMatMul() && n * (inDim + out) < inDim * out) return tf.tidy(() => tf.transpose(matMulFast(w, tf.transpose(x))))
  return matMulFast(x, w, false, true)
}

/** x·Wᵀ + b; the BLAS provider adds the bias inside the product (one pass over the output fewer). */
function forwardWithBias(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  if (usesBlasGemm() && [x, w, b].every((t) => t.dtype === 'float32')) return blasMatMul(x, w, false, true, b)
  return tf.add(forward(x, w), b)
}

/** db = Σ dy over rows; with BLAS as the product 1ᵀ·dy (tfjs-wasm's Sum over axis 0 transposes dy first). */
function biasGrad(dy: tf.Tensor2D): tf.Tensor1D {
  if (!usesBlasGemm() || dy.dtype !== 'float32') return tf.sum(dy, 0)
  return tf.tidy(() => blasMatMul(tf.ones([1, dy.shape[0]]) as tf.Tensor2D, dy, false, false).reshape([dy.shape[1]]))
}

const linearWithBias = customOp(([x, w, b], save) => {
  save([x!, w!])
  const value = forwardWithBias(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D)
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D]
    const g = dy as tf.Tensor2D
    return [matMulFast(g, sw), matMulFast(g, sx, true, false), biasGrad(g)]
  }
  return { value, gradFunc }
}) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D

const linearNoBias = customOp(([x, w], save) => {
  save([x!, w!])
  const value = forward(x as tf.Tensor2D, w as tf.Tensor2D)
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D]
    const g = dy as tf.Tensor2D
    return [matMulFast(g, sw), matMulFast(g, sx, true, false)]
  }
  return { value, gradFunc }
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D

/** Weights of one `nn.Linear`, Hugging Face layout: `weight` [out, in], `bias` [out] or absent. */
export interface LinearWeights {
  weight: tf.Tensor
  bias?: tf.Tensor | undefined
}

/** `x · Wᵀ + b` over the last axis of `x` (any rank ≥ 1), with fast custom gradients. */
export function linear<T extends tf.Tensor>(x: T, w: LinearWeights): T {
  const [out, inDim] = w.weight.shape as [number, number]
  if (w.weight.rank !== 2 || x.shape[x.rank - 1] !== inDim || (w.bias && (w.bias.rank !== 1 || w.bias.shape[0] !== out))) {
    throw new Error(`linear: input [${x.shape}] does not fit weight [${w.weight.shape}]${w.bias ? ` and bias [${w.bias.shape}]` : ''} (weight must be [out, in] with in = the input's last axis)`)
  }
  if (engineKernelsActive()) trackWeight(w.weight) // WebGPU: counted, and read from a packed f16 copy with f16 storage
  return tf.tidy(() => {
    const x2 = x.reshape([-1, inDim]) as tf.Tensor2D
    const y = w.bias ? linearWithBias(x2, w.weight as tf.Tensor2D, w.bias as tf.Tensor1D) : linearNoBias(x2, w.weight as tf.Tensor2D)
    return y.reshape([...x.shape.slice(0, -1), out]) as T
  })
}
