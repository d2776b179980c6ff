import * as tf from '@tensorflow/tfjs'

/** Weights of one `nn.LayerNorm`, Hugging Face names: `weight` (γ) and `bias` (β), both [width]. */
export interface LayerNormWeights {
  weight: tf.Tensor
  bias: tf.Tensor
}

/** `nn.LayerNorm` over the last axis (biased variance, `eps` inside the square root, as PyTorch). */
export function layerNorm<T extends tf.Tensor>(x: T, w: LayerNormWeights, eps: number): T {
  const width = x.shape[x.rank - 1]
  if (w.weight.shape.length !== 1 || w.weight.shape[0] !== width || w.bias.shape[0] !== width) {
    throw new Error(`layerNorm: input [${x.shape}] does not fit weight [${w.weight.shape}] / bias [${w.bias.shape}] (both must be [${width}])`)
  }
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true)
    const centred = tf.sub(x, mean)
    const variance = tf.mean(tf.square(centred), -1, true)
    const normed = tf.mul(centred, tf.rsqrt(tf.add(variance, eps)))
    return tf.add(tf.mul(normed, w.weight), w.bias) as T
  })
}
