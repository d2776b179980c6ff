import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { assemble, writesDisjoint, type Block } from '../../../../main/engine/tf/assemble'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { expectGradsMatchNumeric, randomTensor } from './numeric-grad'

beforeAll(async () => {
  await useWasm()
})

const block = (b: Partial<Block> & Pick<Block, 'rows' | 'cols'>): Block => ({ source: 0, from: 0, fromStride: b.cols, to: 0, toStride: b.cols, ...b })

describe('assemble (block assembly on WASM)', () => {
  // a = [[0,1,2,3],[4,5,6,7],[8,9,10,11]], b = [[100,101,102],[103,104,105]]
  const a = () => tf.tensor2d([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
  const b = () => tf.tensor2d([[100, 101, 102], [103, 104, 105]])

  it('copies whole rows, strided column blocks and pieces of two sources, zeros elsewhere', () => {
    tf.tidy(() => {
      const blocks: Block[] = [
        block({ from: 8, to: 0, rows: 1, cols: 4 }), // a's row 2 → out row 0
        block({ from: 1, fromStride: 4, to: 5, toStride: 4, rows: 2, cols: 2 }), // a[0:2, 1:3] → out[1:3, 1:3]
        block({ source: 1, from: 3, to: 12, rows: 1, cols: 3 }), // b's row 1 → out row 3, columns 0–2
      ]
      expect(assemble([a(), b()], blocks, [4, 4]).arraySync()).toEqual([
        [8, 9, 10, 11],
        [0, 1, 2, 0],
        [0, 5, 6, 0],
        [103, 104, 105, 0],
      ])
    })
  })

  it('sums where blocks overlap, and its gradient sums where a source element is read twice', () => {
    tf.tidy(() => {
      const twice: Block[] = [block({ from: 0, to: 0, rows: 1, cols: 2 }), block({ from: 1, to: 1, rows: 1, cols: 2 })] // out = [a0, a1 + a1', a2]
      const x = tf.tensor1d([1, 2, 3])
      expect(assemble([x], twice, [3]).arraySync()).toEqual([1, 2 + 2, 3])
      // out[0] = x0, out[1] = x1 + x1, out[2] = x2: d(Σ w·out)/dx = [w0, w1 + w1, w2]
      const w = tf.tensor1d([10, 20, 30])
      expect(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(assemble([t], twice, [3]), w)))(x).arraySync()).toEqual([10, 40, 30])
    })
  })

  it('has the gradients of finite differences for every source, and leaks nothing', async () => {
    const xs = [randomTensor([3, 5], 1), randomTensor([4, 2], 2)]
    const blocks: Block[] = [
      block({ from: 1, fromStride: 5, to: 0, toStride: 6, rows: 3, cols: 3 }),
      block({ source: 1, from: 0, fromStride: 2, to: 3, toStride: 6, rows: 4, cols: 2 }),
      block({ from: 10, to: 20, rows: 1, cols: 4 }),
    ]
    const w = randomTensor([4, 6], 3)
    expectGradsMatchNumeric((t) => tf.sum(tf.mul(assemble(t, blocks, [4, 6]), w)) as tf.Scalar, xs)
    await expectNoLeak(() => tf.dispose(tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(assemble([p, q], blocks, [4, 6])))(xs)))
    tf.dispose([...xs, w])
  })

  it('refuses a block that reaches outside its source or the output, naming it', () => {
    tf.tidy(() => {
      expect(() => assemble([a()], [block({ from: 10, to: 0, rows: 1, cols: 4 })], [4])).toThrow(/assemble: block .*"from":10.* reaches outside its source \(12 elements\) or the output \(4 elements\)/)
      expect(() => assemble([a()], [block({ source: 1, rows: 1, cols: 1 })], [4])).toThrow(/no such source/)
      expect(() => assemble([a()], [block({ from: 0, to: 2, rows: 1, cols: 3 })], [4])).toThrow(/reaches outside/)
    })
  })
})

describe('writesDisjoint', () => {
  it('tells overlapping rows from disjoint ones, also behind a longer earlier block', () => {
    expect(writesDisjoint([block({ to: 0, rows: 2, cols: 4 }), block({ to: 8, rows: 1, cols: 4 })])).toBe(true)
    expect(writesDisjoint([block({ to: 0, rows: 2, cols: 4 }), block({ to: 7, rows: 1, cols: 4 })])).toBe(false)
    // strided: rows at 0, 10, 20 (3 wide) interleave with rows at 3, 13 (2 wide)
    expect(writesDisjoint([block({ to: 0, toStride: 10, rows: 3, cols: 3 }), block({ to: 3, toStride: 10, rows: 2, cols: 2 })])).toBe(true)
    // [0, 100) covers [10, 20) and [30, 40): the last is compared against the furthest end, not its neighbour
    expect(writesDisjoint([block({ to: 0, rows: 1, cols: 100 }), block({ to: 10, rows: 1, cols: 10 }), block({ to: 30, rows: 1, cols: 10 })])).toBe(false)
  })
})
