import * as tf from '@tensorflow/tfjs'

/**
 * The sum of same-shape tensors. `tf.addN` binds every input to one kernel, and WebGPU allows 8
 * storage buffers per shader stage (the output included): an `addN` of more than 7 tensors gives an
 * invalid pipeline there and a wrong result. So sums of many go in chunks of at most 7.
 */
const MAX_INPUTS = 7

export function addMany<T extends tf.Tensor>(tensors: readonly T[]): T {
  if (tensors.length === 0) throw new Error('addMany: nothing to add')
  return tf.tidy(() => {
    let level: tf.Tensor[] = [...tensors]
    while (level.length > 1) {
      const next: tf.Tensor[] = []
      for (let i = 0; i < level.length; i += MAX_INPUTS) {
        const chunk = level.slice(i, i + MAX_INPUTS)
        next.push(chunk.length === 1 ? chunk[0]! : tf.addN(chunk))
      }
      level = next
    }
    return tensors.length === 1 ? tf.clone(level[0]!) : level[0]!
  }) as T
}
