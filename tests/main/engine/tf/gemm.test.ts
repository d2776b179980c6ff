import { availableParallelism } from 'node:os'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { activeGemm, blasMatMul, parseGemmName, setGemm, usesBlasGemm } from '../../../../main/engine/tf/gemm'
import { findGemmAddon, loadGemmAddon } from '../../../../main/engine/tf/gemm_addon'
import { linear } from '../../../../main/engine/tf/linear'
import { matMul, matMulFast, needsPlainMatMul } from '../../../../main/engine/tf/matmul'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { expectGradsMatchNumeric, maxAbsDiff, randomTensor } from './numeric-grad'

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
]

// A = [[1,2,3],[4,5,6]], B = [[7,8],[9,10],[11,12]]: A·B = [[58,64],[139,154]] (by hand:
// 1·7+2·9+3·11 = 58, 1·8+2·10+3·12 = 64, 4·7+5·9+6·11 = 139, 4·8+5·10+6·12 = 154).
const A = [
  [1, 2, 3],
  [4, 5, 6],
]
const B = [
  [7, 8],
  [9, 10],
  [11, 12],
]
const AB = [
  [58, 64],
  [139, 154],
]
const transpose = (m: number[][]): number[][] => m[0]!.map((_, j) => m.map((row) => row[j]!))

const hasAddon = findGemmAddon() !== null

describe('GEMM provider names', () => {
  it('parses blas and wasm and rejects others, naming the choices', () => {
    expect(parseGemmName('blas', 'STDD_GEMM')).toBe('blas')
    expect(parseGemmName('wasm', 'STDD_GEMM')).toBe('wasm')
    expect(() => parseGemmName('mkl', 'STDD_GEMM')).toThrow('STDD_GEMM: unknown matrix-product provider "mkl"; choose one of blas, wasm')
  })

  it('says how to build the addon when it is missing', () => {
    const saved = process.env.STDD_GEMM_ADDON
    process.env.STDD_GEMM_ADDON = '/nonexistent/stdd_gemm.node'
    try {
      expect(findGemmAddon()).toBeNull()
      expect(() => loadGemmAddon()).toThrow(/STDD_GEMM_ADDON=\/nonexistent\/stdd_gemm.node does not exist.*libopenblas-dev && node native\/gemm\/build.mjs/)
    } finally {
      if (saved === undefined) delete process.env.STDD_GEMM_ADDON
      else process.env.STDD_GEMM_ADDON = saved
    }
  })
})

describe('backend selection reports the GEMM provider', () => {
  it('names blas or wasm with a reason in the backend detail', async () => {
    const report = await (await import('../../../../main/engine/tf/backend')).selectBackend('wasm')
    const gemm = activeGemm()!
    expect(report.detail).toContain(`matMul: ${gemm.name}`)
    if (gemm.name === 'blas') expect(gemm.detail).toMatch(/OpenBLAS .*kernel \S+; \d+ threads?/)
    else expect(gemm.detail).toMatch(/XNNPACK/)
    // Without STDD_GEMM the addon is used whenever it is there.
    if (!process.env.STDD_GEMM) expect(gemm.name).toBe(hasAddon ? 'blas' : 'wasm')
  })
})

describe.skipIf(!hasAddon)('BLAS matrix products on the WASM heap', () => {
  let before: boolean
  beforeAll(async () => {
    await useWasm()
    before = usesBlasGemm()
    setGemm('blas')
  })
  afterAll(() => {
    setGemm(before ? 'blas' : 'wasm')
  })

  it('is what matMulFast uses on wasm, with no explicit transposes', () => {
    expect(usesBlasGemm()).toBe(true)
    expect(needsPlainMatMul()).toBe(false)
  })

  it.each(FLAGS)('gives the hand-computed product for transposeA=%s transposeB=%s', (ta, tb) => {
    tf.tidy(() => {
      const a = tf.tensor2d(ta ? transpose(A) : A)
      const b = tf.tensor2d(tb ? transpose(B) : B)
      expect(blasMatMul(a, b, ta, tb).arraySync()).toEqual(AB)
    })
  })

  it('gives the hand-computed product per batch entry', () => {
    tf.tidy(() => {
      // Entry 1 is entry 0 scaled by 2 (A) and by -1 (B): its product is −2·AB.
      const a = tf.tensor3d([A, A.map((r) => r.map((v) => 2 * v))])
      const b = tf.tensor3d([B, B.map((r) => r.map((v) => -v))])
      expect(matMulFast(a, b).arraySync()).toEqual([AB, AB.map((r) => r.map((v) => -2 * v))])
      // transposed operands, batched
      expect(matMulFast(tf.transpose(a, [0, 2, 1]), tf.transpose(b, [0, 2, 1]), true, true).arraySync()).toEqual([AB, AB.map((r) => r.map((v) => -2 * v))])
    })
  })

  it('adds a bias to every row inside the product, 2-D and batched', () => {
    tf.tidy(() => {
      const bias = tf.tensor1d([0.5, -1])
      const want = AB.map((r) => [r[0]! + 0.5, r[1]! - 1])
      expect(blasMatMul(tf.tensor2d(A), tf.tensor2d(transpose(B)), false, true, bias).arraySync()).toEqual(want)
      expect(blasMatMul(tf.tensor3d([A, A]), tf.tensor3d([B, B]), false, false, bias).arraySync()).toEqual([want, want])
      expect(() => blasMatMul(tf.tensor2d(A), tf.tensor2d(B), false, false, tf.tensor1d([1, 2, 3]))).toThrow('bias [3] must be [2]')
    })
  })

  it('handles an empty inner dimension (product of zeros) and empty outputs', () => {
    tf.tidy(() => {
      expect(blasMatMul(tf.zeros([2, 0]) as tf.Tensor2D, tf.zeros([0, 3]) as tf.Tensor2D, false, false).arraySync()).toEqual([
        [0, 0, 0],
        [0, 0, 0],
      ])
      expect(blasMatMul(tf.zeros([0, 4]) as tf.Tensor2D, tf.zeros([4, 3]) as tf.Tensor2D, false, false).shape).toEqual([0, 3])
    })
  })

  it.each(FLAGS)('equals the WASM path for transposeA=%s transposeB=%s, 2-D and batched, odd sizes', (ta, tb) => {
    const shapes = { m: 37, k: 70, n: 23, batch: 5 }
    const a2 = randomTensor(ta ? [shapes.k, shapes.m] : [shapes.m, shapes.k], 1) as tf.Tensor2D
    const b2 = randomTensor(tb ? [shapes.n, shapes.k] : [shapes.k, shapes.n], 2) as tf.Tensor2D
    const a3 = randomTensor(ta ? [shapes.batch, shapes.k, shapes.m] : [shapes.batch, shapes.m, shapes.k], 3) as tf.Tensor3D
    const b3 = randomTensor(tb ? [shapes.batch, shapes.n, shapes.k] : [shapes.batch, shapes.k, shapes.n], 4) as tf.Tensor3D
    const blas = [matMulFast(a2, b2, ta, tb), matMulFast(a3, b3, ta, tb)]
    setGemm('wasm')
    const wasm = [matMulFast(a2, b2, ta, tb), matMulFast(a3, b3, ta, tb)]
    setGemm('blas')
    expect(blas[0]!.shape).toEqual([shapes.m, shapes.n])
    expect(blas[1]!.shape).toEqual([shapes.batch, shapes.m, shapes.n])
    expect(maxAbsDiff(blas[0]!, wasm[0]!)).toBeLessThan(1e-4)
    expect(maxAbsDiff(blas[1]!, wasm[1]!)).toBeLessThan(1e-4)
    tf.dispose([a2, b2, a3, b3, ...blas, ...wasm])
  })

  it.each(FLAGS)('splits large products over threads (by rows, by columns, by batch) like one thread, transposeA=%s transposeB=%s', (ta, tb) => {
    const { addon } = loadGemmAddon()
    // [batch, m, k, n]: big enough to be split 3 ways; m ≥ n splits rows, m < n columns, batch ≥ 3 the batch
    const cases: [number, number, number, number][] = [[1, 301, 101, 79], [1, 71, 101, 301], [3, 91, 89, 93]]
    const results: tf.Tensor[][] = []
    for (const threads of [1, 3]) {
      addon.setThreads(threads)
      results.push(
        cases.map(([batch, m, k, n], i) => {
          const a = randomTensor(ta ? [batch, k, m] : [batch, m, k], 10 + i)
          const b = randomTensor(tb ? [batch, n, k] : [batch, k, n], 20 + i)
          const bias = randomTensor([n], 30 + i) as tf.Tensor1D
          const out = blasMatMul(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb, bias)
          tf.dispose([a, b, bias])
          return out
        }),
      )
    }
    addon.setThreads(availableParallelism())
    setGemm('wasm')
    cases.forEach(([batch, m, k, n], i) => {
      tf.tidy(() => {
        const a = randomTensor(ta ? [batch, k, m] : [batch, m, k], 10 + i)
        const b = randomTensor(tb ? [batch, n, k] : [batch, k, n], 20 + i)
        const bias = randomTensor([n], 30 + i)
        const want = tf.add(matMulFast(a as tf.Tensor3D, b as tf.Tensor3D, ta, tb), bias)
        expect(results[1]![i]!.shape).toEqual([batch, m, n])
        // the pieces' edge tiles may use other kernels than the whole product: equal to float rounding
        expect(maxAbsDiff(results[1]![i]!, results[0]![i]!)).toBeLessThan(1e-4)
        expect(maxAbsDiff(results[1]![i]!, want)).toBeLessThan(1e-4)
      })
    })
    setGemm('blas')
    tf.dispose(results.flat())
  })

  it('rejects operands that do not multiply, naming the shapes', () => {
    tf.tidy(() => {
      expect(() => blasMatMul(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([4, 2]) as tf.Tensor2D, false, false)).toThrow('shapes [2,3] and [4,2] (transposeA=false, transposeB=false) do not multiply')
      expect(() => blasMatMul(tf.zeros([2, 2, 3]) as tf.Tensor3D, tf.zeros([3, 3, 2]) as tf.Tensor3D, false, false)).toThrow('shapes [2,2,3] and [3,3,2]')
    })
  })

  it.each(FLAGS)('has batched matMul gradients equal to numerical ones for transposeA=%s transposeB=%s', (ta, tb) => {
    const a = randomTensor(ta ? [2, 4, 3] : [2, 3, 4], 5)
    const b = randomTensor(tb ? [2, 2, 4] : [2, 4, 2], 6)
    const r = randomTensor([2, 3, 2], 7)
    expectGradsMatchNumeric(([x, y]) => tf.sum(tf.mul(matMul(x as tf.Tensor3D, y as tf.Tensor3D, ta, tb), r)), [a, b])
    tf.dispose([a, b, r])
  })

  it('gives linear gradients (x, W, b) equal to numerical ones and to the WASM path', () => {
    const x = randomTensor([3, 5, 6], 8)
    const weight = randomTensor([7, 6], 9)
    const bias = randomTensor([7], 10)
    const r = randomTensor([3, 5, 7], 11)
    const loss = ([a, w, b]: tf.Tensor[]): tf.Scalar => tf.sum(tf.mul(linear(a!, { weight: w!, bias: b! }), r))
    expectGradsMatchNumeric(loss, [x, weight, bias])
    const grads = (): tf.Tensor[] => tf.grads((...ts: tf.Tensor[]) => loss(ts))([x, weight, bias])
    const blas = grads()
    setGemm('wasm')
    const wasm = grads()
    setGemm('blas')
    blas.forEach((g, i) => expect(maxAbsDiff(g, wasm[i]!), `gradient ${i}`).toBeLessThan(1e-4))
    tf.dispose([x, weight, bias, r, ...blas, ...wasm])
  })

  it('leaves no tensors and no WASM heap bytes behind, forward and backward', async () => {
    const a = randomTensor([2, 3, 4], 12) as tf.Tensor3D
    const b = randomTensor([2, 5, 4], 13) as tf.Tensor3D
    const w = randomTensor([6, 4], 14)
    const bytes = tf.memory().numBytes
    await expectNoLeak(() => {
      matMul(a, b, false, true).dispose()
      tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(matMul(x as tf.Tensor3D, y as tf.Tensor3D, false, true)))([a, b]).forEach((g) => g.dispose())
      tf.grads((x: tf.Tensor, v: tf.Tensor) => tf.sum(linear(x, { weight: v })))([a, w]).forEach((g) => g.dispose())
    })
    expect(tf.memory().numBytes).toBe(bytes)
    tf.dispose([a, b, w])
  })
})
