import * as tf from '@tensorflow/tfjs'
import { expect } from 'vitest'

/** Deterministic pseudo-random values in [-1, 1) (mulberry32), so failures reproduce. */
export function randomValues(n: number, seed: number): Float32Array {
  let s = seed >>> 0
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1
  }
  return out
}

export function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1)
  return tf.tensor(randomValues(n, seed).map((v) => v * scale), shape)
}

/**
 * Central finite differences of the scalar `loss(xs)` with respect to every element of every input
 * (small tensors only), in float32 with a step of `eps`.
 */
export function numericGrads(loss: (xs: tf.Tensor[]) => tf.Scalar, xs: tf.Tensor[], eps = 1e-2): Float32Array[] {
  const values = xs.map((x) => x.dataSync().slice() as Float32Array)
  const evalAt = (): number =>
    tf.tidy(() => {
      const ts = values.map((v, i) => tf.tensor(v, xs[i]!.shape))
      return loss(ts).dataSync()[0]!
    })
  return values.map((v) => {
    const g = new Float32Array(v.length)
    for (let j = 0; j < v.length; j++) {
      const orig = v[j]!
      v[j] = orig + eps
      const plus = evalAt()
      v[j] = orig - eps
      const minus = evalAt()
      v[j] = orig
      g[j] = (plus - minus) / (2 * eps)
    }
    return g
  })
}

/** Analytic gradients (tf.grads through the custom gradients) against numeric ones. */
export function expectGradsMatchNumeric(loss: (xs: tf.Tensor[]) => tf.Scalar, xs: tf.Tensor[], tol = 2e-3): void {
  const analytic = tf.tidy(() => tf.grads((...ts: tf.Tensor[]) => loss(ts))(xs)).map((g) => {
    const d = g.dataSync().slice()
    g.dispose()
    return d
  })
  const numeric = numericGrads(loss, xs)
  analytic.forEach((a, i) => {
    const n = numeric[i]!
    expect(a.length).toBe(n.length)
    let worst = 0
    for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j]! - n[j]!) / Math.max(1, Math.abs(n[j]!)))
    expect(worst, `input ${i}: largest gradient error`).toBeLessThan(tol)
  })
}

/** max |a − b| over two tensors of the same shape. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape)
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!)
}
