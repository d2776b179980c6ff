import * as tf from '@tensorflow/tfjs'
import { deviceScalar } from '../device_scalar'

/**
 * tfjs 4.22's gradients of a few ops, rewritten without the constants they create on every call: the
 * gradients of Sum and Mean multiply by `ones(x.shape)` (a tensor as large as the input, uploaded on
 * WebGPU at each backward pass: 4.8 MB per ViT-B/16 layer norm statistic), those of Square, Sqrt,
 * Rsqrt and Sigmoid make scalars. Here the broadcast is `broadcastTo` and the scalars are
 * {@link deviceScalar}s; the values are the same to the bit (x·1 = x). tfjs's gradient registry is
 * global: registered with the engine's WebGPU kernels, they serve every backend from then on.
 */

function expanded(dy: tf.Tensor, x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const shape = [...x.shape]
  for (const a of tf.util.parseAxisParam(axis, x.shape)) shape[a] = 1
  return tf.reshape(dy, shape)
}

const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({ x: () => tf.broadcastTo(expanded(dy as tf.Tensor, x!, attrs.axis as number | number[]), x!.shape) }),
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x!.shape)
      const size = axes.reduce((n, a) => n * x!.shape[a]!, 1)
      return { x: () => tf.broadcastTo(tf.div(expanded(dy as tf.Tensor, x!, axes), deviceScalar(size)), x!.shape) }
    },
  },
  { kernelName: tf.Square, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(tf.cast(x!, 'float32'), deviceScalar(2))) }) },
  { kernelName: tf.Sqrt, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.div(dy as tf.Tensor, tf.mul(tf.sqrt(tf.cast(x!, 'float32')), deviceScalar(2))) }) },
  { kernelName: tf.Rsqrt, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.neg(tf.div(dy as tf.Tensor, tf.mul(tf.pow(x!, deviceScalar(1.5)), deviceScalar(2)))) }) },
  { kernelName: tf.Sigmoid, outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(y!, tf.sub(deviceScalar(1), y!))) }) },
]

export function registerConstantFreeGradients(): void {
  for (const g of GRADIENTS) tf.registerGradient(g)
}
