import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { installWasmSliceFix } from '../../../../main/engine/tf/wasm_slice_fix'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { randomValues } from './numeric-grad'

beforeAll(async () => {
  await useWasm()
  installWasmSliceFix()
  installWasmSliceFix() // idempotent
})

const SHAPE = [3, 4, 5, 6]
const values = randomValues(3 * 4 * 5 * 6, 1)

/** The same op on the cpu backend (the reference kernels). */
async function onCpu<T>(f: (x: tf.Tensor) => T): Promise<T> {
  await tf.setBackend('cpu')
  tf.engine().startScope()
  try {
    return f(tf.tensor(values, SHAPE))
  } finally {
    tf.engine().endScope()
    await tf.setBackend('wasm')
  }
}

describe('zero-copy wasm Slice / Unpack / SplitV', () => {
  const boxes: [number[], number[]][] = [
    [[1, 0, 0, 0], [1, -1, -1, -1]], // one batch entry (contiguous)
    [[0, 1, 2, 0], [3, 2, 3, 6]], // strided
    [[2, 3, 4, 5], [1, 1, 1, 1]],
    [[0, 0, 0, 1], [-1, -1, -1, 4]], // innermost axis only
    [[0, 0, 0, 0], [0, 4, 5, 6]], // empty
  ]
  it.each(boxes)('slices begin %j size %j like the cpu kernels', async (begin, size) => {
    const want = await onCpu((x) => tf.slice(x, begin, size).arraySync())
    expect(tf.tidy(() => tf.slice(tf.tensor(values, SHAPE), begin, size).arraySync())).toEqual(want)
  })

  it('unstacks and splits like the cpu kernels, on every axis, and slices int32 and bool tensors', async () => {
    for (const axis of [0, 1, 3]) {
      const want = await onCpu((x) => tf.unstack(x, axis).map((t) => t.arraySync()))
      expect(tf.tidy(() => tf.unstack(tf.tensor(values, SHAPE), axis).map((t) => t.arraySync()))).toEqual(want)
      const wantSplit = await onCpu((x) => tf.split(x, [1, -1], axis).map((t) => t.arraySync()))
      expect(tf.tidy(() => tf.split(tf.tensor(values, SHAPE), [1, -1], axis).map((t) => t.arraySync()))).toEqual(wantSplit)
    }
    expect(tf.tidy(() => tf.split(tf.tensor2d([[1, 2, 3, 4]]), 2, 1).map((t) => t.arraySync()))).toEqual([[[1, 2]], [[3, 4]]])
    expect(tf.tidy(() => tf.slice(tf.tensor1d([5, 6, 7], 'int32'), 1, 2).arraySync())).toEqual([6, 7])
    expect(tf.tidy(() => tf.slice(tf.tensor1d([true, false, true], 'bool'), 1, 2).arraySync())).toEqual([0, 1])
    expect(tf.tidy(() => tf.slice(tf.tensor1d(['a', 'b', 'c']), 1, 1).arraySync())).toEqual(['b'])
  })

  it('unstacks a large batch in time linear in its size, and leaks nothing', async () => {
    const x = tf.randomNormal([96, 197, 64])
    await expectNoLeak(() => tf.dispose(tf.unstack(x)))
    const t0 = performance.now()
    tf.dispose(tf.unstack(x))
    // The stock kernel copies the whole 4.8 MB input per slice (≈465 MB); this copies 4.8 MB.
    expect(performance.now() - t0).toBeLessThan(300)
    x.dispose()
  })
})
