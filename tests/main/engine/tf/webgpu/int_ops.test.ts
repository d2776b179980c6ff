import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { maxToFirst } from '../../../../../main/engine/stdd/alignment'
import { expectNoLeak } from '../../../../helpers/tf'
import { onCpu, readAll, useWebgpu, values, WEBGPU_SKIP_REASON, WEBGPU_TESTABLE, worstRelative } from '../../../../helpers/webgpu'

/**
 * ArgMax and int→float Cast on WebGPU: tfjs-backend-webgpu's shaders for them fail to compile on this
 * Dawn, which zeroed every result of the same submit (the alignment's first-maximum gradient uses both).
 */
describe.skipIf(!WEBGPU_TESTABLE)(`ArgMax and Cast int→float on WebGPU (${WEBGPU_TESTABLE ? 'adapter allowed' : WEBGPU_SKIP_REASON})`, () => {
  beforeAll(async () => {
    await useWebgpu()
  })

  for (const axis of [0, 1, 3]) {
    it(`argMax over axis ${axis} of [2, 3, 4, 5], its one-hot cast to float, and maxToFirst's gradient match the CPU backend`, async () => {
      const xv = values(2 * 3 * 4 * 5, axis + 1)
      const run = (): tf.Tensor[] => {
        const x = tf.tensor4d(xv, [2, 3, 4, 5])
        const idx = tf.argMax(x, axis)
        const grad = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(maxToFirst(a, axis), 2)))([x])
        return [tf.cast(idx, 'float32'), tf.cast(tf.oneHot(idx, x.shape[axis]!), 'float32'), ...grad]
      }
      const want = await onCpu(run)
      const got = await expectNoLeak(() => readAll(tf.tidy(run)))
      ;['argMax', 'one-hot', 'gradient'].forEach((n, i) => expect(worstRelative(got[i]!, want[i]!), n).toBe(0))
    })
  }

  it('argMax picks the first of tied maxima, as the CPU backend', async () => {
    const run = (): tf.Tensor[] => [tf.cast(tf.argMax(tf.tensor2d([3, 1, 3, 0, 2, 2], [2, 3]), 1), 'float32')]
    expect(Array.from((await readAll(tf.tidy(run)))[0]!)).toEqual(Array.from((await onCpu(run))[0]!))
  })
})
