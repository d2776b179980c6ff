import * as tf from '@tensorflow/tfjs'
import { customOp } from './custom_grad'
import { usesWebgpuKernel } from './webgpu/install'
import { LAYER_NORM_FORWARD, LAYER_NORM_GRAD } from './webgpu/layer_norm'

/** Weights of one `nn.LayerNorm`, Hugging Face names: `weight` (γ) and `bias` (β), both [width]. */
export interface LayerNormWeights {
  weight: tf.Tensor
  bias: tf.Tensor
}

type LayerNormOp = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor
const fusedOps = new Map<number, LayerNormOp>()

/** On WebGPU: the engine's fused kernels (webgpu/layer_norm.ts), forward and backward; one op per eps. */
function fusedLayerNorm(eps: number): LayerNormOp {
  let op = fusedOps.get(eps)
  if (!op) fusedOps.set(eps, (op = fusedLayerNormOp(eps)))
  return op
}

const fusedLayerNormOp = (eps: number): LayerNormOp =>
  customOp(([x, gamma, beta], save) => {
    const [y, mean, rstd] = tf.engine().runKernel(LAYER_NORM_FORWARD, { x: x!, gamma: gamma!, beta: beta! }, { eps }) as tf.Tensor[]
    save([x!, gamma!, mean!, rstd!])
    return {
      value: y!,
      gradFunc: (dy, [sx, sg, sm, sr]) => tf.engine().runKernel(LAYER_NORM_GRAD, { dy, x: sx!, gamma: sg!, mean: sm!, rstd: sr! }, {}) as tf.Tensor[],
    }
  })

/** `nn.LayerNorm` over the last axis (biased variance, `eps` inside the square root, as PyTorch). */
export function layerNorm<T extends tf.Tensor>(x: T, w: LayerNormWeights, eps: number): T {
  const width = x.shape[x.rank - 1]
  if (w.weight.shape.length !== 1 || w.weight.shape[0] !== width || w.bias.shape[0] !== width) {
    throw new Error(`layerNorm: input [${x.shape}] does not fit weight [${w.weight.shape}] / bias [${w.bias.shape}] (both must be [${width}])`)
  }
  if (usesWebgpuKernel(LAYER_NORM_FORWARD) && [x, w.weight, w.bias].every((t) => t.dtype === 'float32')) return fusedLayerNorm(eps)(x, w.weight, w.bias) as T
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true)
    const centred = tf.sub(x, mean)
    const variance = tf.mean(tf.square(centred), -1, true)
    const normed = tf.mul(centred, tf.rsqrt(tf.add(variance, eps)))
    return tf.add(tf.mul(normed, w.weight), w.bias) as T
  })
}
