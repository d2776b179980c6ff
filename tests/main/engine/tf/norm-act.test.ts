import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { activation, HIDDEN_ACTS } from '../../../../main/engine/tf/activations'
import { layerNorm } from '../../../../main/engine/tf/layer_norm'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { expectGradsMatchNumeric, randomTensor } from './numeric-grad'

beforeAll(async () => {
  await useWasm()
})

// erf by its series, double precision: an independent reference for the exact GELU.
function erf(x: number): number {
  let sum = 0
  let term = x
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1)
    term *= (-x * x) / (n + 1)
  }
  return (2 / Math.sqrt(Math.PI)) * sum
}

const REFERENCE: Record<string, (x: number) => number> = {
  quick_gelu: (x) => x / (1 + Math.exp(-1.702 * x)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  gelu_pytorch_tanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  relu: (x) => Math.max(0, x),
}

describe('activations', () => {
  it.each(HIDDEN_ACTS)('%s matches its formula and its numerical gradient', (act) => {
    const xs = [-3, -1.2, -0.3, 0.1, 0.7, 2.5]
    const y = tf.tidy(() => activation(tf.tensor1d(xs), act).dataSync())
    xs.forEach((x, i) => expect(y[i]).toBeCloseTo(REFERENCE[act]!(x), 5))
    const x = tf.tensor1d(xs)
    expectGradsMatchNumeric(([a]) => tf.sum(activation(a!, act)), [x])
    x.dispose()
  })
})

describe('layerNorm', () => {
  it('normalises the last axis with biased variance and eps, then scales and shifts', () => {
    const row = [1, 2, 4, 9]
    const mean = 4
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / 4
    const y = tf.tidy(() => layerNorm(tf.tensor2d([row]), { weight: tf.tensor1d([1, 2, 1, 1]), bias: tf.tensor1d([0, 0, 1, 0]) }, 1e-5).dataSync())
    const expected = row.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * (i === 1 ? 2 : 1) + (i === 2 ? 1 : 0))
    expected.forEach((e, i) => expect(y[i]).toBeCloseTo(e, 5))
  })

  it('has gradients equal to numerical ones', () => {
    const x = randomTensor([2, 3, 5], 1, 2)
    const weight = randomTensor([5], 2)
    const bias = randomTensor([5], 3)
    const r = randomTensor([2, 3, 5], 4)
    expectGradsMatchNumeric(([a, w, b]) => tf.sum(tf.mul(layerNorm(a!, { weight: w!, bias: b! }, 1e-5), r)), [x, weight, bias])
    tf.dispose([x, weight, bias, r])
  })

  it('names the shapes on a width mismatch and leaks nothing', async () => {
    const x = randomTensor([2, 5], 5)
    const w = { weight: tf.ones([5]), bias: tf.zeros([5]) }
    await expectNoLeak(() => {
      layerNorm(x, w, 1e-5).dispose()
      activation(x, 'gelu').dispose()
    })
    expect(() => layerNorm(x, { weight: tf.ones([4]), bias: tf.zeros([4]) }, 1e-5)).toThrow('layerNorm: input [2,5] does not fit weight [4]')
  })
})
