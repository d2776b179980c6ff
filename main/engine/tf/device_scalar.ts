import * as tf from '@tensorflow/tfjs'

/**
 * A number for an op (`tf.mul(x, c)`), kept on the GPU. On WebGPU every number in an op becomes a new
 * scalar tensor that is uploaded when the op runs: a training step made hundreds of such uploads. On
 * WebGPU this returns a scalar created once per value and backend and kept (never disposed: a few
 * dozen constants); elsewhere the number itself, as before. Use it only as an op's operand, never
 * return or dispose it.
 */

const kept = new WeakMap<tf.KernelBackend, Map<number, tf.Scalar>>()

export function deviceScalar(value: number): tf.Scalar | number {
  if (tf.getBackend() !== 'webgpu') return value
  const backend = tf.backend()
  let cache = kept.get(backend)
  if (!cache) kept.set(backend, (cache = new Map()))
  let s = cache.get(value)
  if (!s || s.isDisposed) {
    s = tf.keep(tf.scalar(value))
    cache.set(value, s)
  }
  return s
}
