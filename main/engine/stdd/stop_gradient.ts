import * as tf from '@tensorflow/tfjs'
import { customOp } from '../tf/custom_grad'

const op = customOp(([x]) => ({ value: tf.clone(x!), gradFunc: (dy) => [tf.zerosLike(dy)] }))

/** `x` in the forward pass, a zero gradient in the backward pass (torch `detach` / `no_grad`); tfjs has no such op. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return op(x) as T
}
