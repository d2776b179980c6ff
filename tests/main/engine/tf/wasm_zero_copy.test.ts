import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { installWasmZeroCopyKernels } from '../../../../main/engine/tf/wasm_zero_copy'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { randomValues } from './numeric-grad'

beforeAll(async () => {
  await useWasm()
  installWasmZeroCopyKernels()
  installWasmZeroCopyKernels() // idempotent
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

  it('unstacks a large batch without reading the whole input out of the heap, and leaks nothing', async () => {
    const x = tf.randomNormal([96, 197, 64])
    const backend = tf.backend() as unknown as { readSync: (id: object) => unknown }
    const spy = vi.spyOn(backend, 'readSync')
    await expectNoLeak(() => tf.dispose(tf.unstack(x)))
    // The stock kernel reads the whole 4.8 MB input per slice (≈465 MB in all).
    expect(spy).not.toHaveBeenCalled()
    spy.mockRestore()
    x.dispose()
  })
})

describe('zero-copy wasm Identity and same-dtype Cast', () => {
  const backend = (): { refCount(id: object): number } => tf.backend() as unknown as { refCount(id: object): number }

  it('clone and a float32 → float32 cast share the buffer; each dispose releases one reference', () => {
    const x = tf.tensor2d([[1, 2], [3, 4]])
    const buffers = tf.memory().numDataBuffers
    const copy = tf.clone(x)
    const cast = tf.cast(x, 'float32')
    expect(tf.memory().numDataBuffers).toBe(buffers) // no new buffer
    expect(backend().refCount(x.dataId)).toBe(3)
    x.dispose()
    expect(copy.arraySync()).toEqual([[1, 2], [3, 4]])
    copy.dispose()
    expect(cast.arraySync()).toEqual([[1, 2], [3, 4]])
    cast.dispose()
    expect(tf.memory().numDataBuffers).toBe(buffers - 1) // freed with the last reference
  })

  it('a cast to another dtype still converts', () => {
    tf.tidy(() => {
      expect(tf.cast(tf.tensor1d([1.7, -2.2, 0]), 'int32').arraySync()).toEqual([1, -2, 0])
      const f = tf.cast(tf.tensor1d([3, 4], 'int32'), 'float32')
      expect([f.dtype, f.arraySync()]).toEqual(['float32', [3, 4]])
      expect(tf.cast(tf.tensor1d([true, false], 'bool'), 'float32').arraySync()).toEqual([1, 0])
    })
  })

  it('a gradient through saved (shared) tensors equals the cpu kernels, and leaks nothing', async () => {
    const f = (x: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.square(x), tf.div(x, tf.add(tf.abs(x), 1))))
    const want = await onCpu((x) => tf.grad(f)(x).arraySync())
    const x = tf.tensor(values, SHAPE)
    const got = await expectNoLeak(() => tf.tidy(() => tf.grad(f)(x).arraySync()))
    expect(tf.tensor(got as number[]).sub(tf.tensor(want as number[])).abs().max().arraySync()).toBeLessThan(1e-5)
    x.dispose()
  })
})
