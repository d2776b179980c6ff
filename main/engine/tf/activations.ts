import * as tf from '@tensorflow/tfjs'
import { deviceScalar } from './device_scalar'

/** The `hidden_act` values of Hugging Face CLIP configs this engine implements. */
export const HIDDEN_ACTS = ['quick_gelu', 'gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'] as const
export type HiddenAct = (typeof HIDDEN_ACTS)[number]

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI)

/** Applies `act` elementwise, as transformers' ACT2FN does (`gelu` is the exact erf form). */
export function activation<T extends tf.Tensor>(x: T, act: HiddenAct): T {
  return tf.tidy(() => {
    switch (act) {
      case 'quick_gelu':
        // x · σ(1.702 x), OpenAI CLIP's approximation.
        return tf.mul(x, tf.sigmoid(tf.mul(x, deviceScalar(1.702)))) as T
      case 'gelu':
        return tf.mul(tf.mul(x, deviceScalar(0.5)), tf.add(deviceScalar(1), tf.erf(tf.mul(x, deviceScalar(Math.SQRT1_2))))) as T
      case 'gelu_new':
      case 'gelu_pytorch_tanh': {
        const inner = tf.mul(deviceScalar(SQRT_2_OVER_PI), tf.add(x, tf.mul(deviceScalar(0.044715), tf.pow(x, deviceScalar(3)))))
        return tf.mul(tf.mul(x, deviceScalar(0.5)), tf.add(deviceScalar(1), tf.tanh(inner))) as T
      }
      case 'relu':
        return tf.relu(x) as T
    }
  })
}
