import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { tidyRecord } from '../../../../main/engine/tf/tidy'

interface Result {
  kept: tf.Tensor
  missing?: tf.Tensor
  none: tf.Tensor | null
  nested: { inner: tf.Tensor }
}

describe('tidyRecord', () => {
  it('keeps the tensors of the returned record (optional, null and nested fields) and disposes the rest', () => {
    const before = tf.memory().numTensors
    const r = tidyRecord((): Result => {
      const a = tf.tensor1d([1, 2])
      const twice = tf.mul(a, 2) // intermediate: disposed
      return { kept: tf.add(twice, 1), none: null, nested: { inner: tf.neg(a) } }
    })
    expect(tf.memory().numTensors).toBe(before + 2)
    expect(Array.from(r.kept.dataSync())).toEqual([3, 5])
    expect(Array.from(r.nested.inner.dataSync())).toEqual([-1, -2])
    expect(r.none).toBeNull()
    expect(r.missing).toBeUndefined()
    tf.dispose([r.kept, r.nested.inner])
    expect(tf.memory().numTensors).toBe(before)
  })
})
