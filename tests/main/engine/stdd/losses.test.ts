import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { createProjector, disposeProjector, distillationLoss, project } from '../../../../main/engine/stdd/distillation'
import { crossEntropy } from '../../../../main/engine/stdd/losses'
import { expectNoLeak, useWasm } from '../../../helpers/tf'

beforeAll(async () => {
  await useWasm()
})

describe('crossEntropy over the seen classes', () => {
  it('is −log softmax at the label, averaged over the batch', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        // [1,2,3] label 2: log(1 + e⁻¹ + e⁻²) = 0.4076060; [0,0,0] label 0: log 3 = 1.0986123
        const logits = tf.tensor2d([[1, 2, 3], [0, 0, 0]])
        expect(crossEntropy(logits, [2, 0]).dataSync()[0]).toBeCloseTo((0.407606 + 1.0986123) / 2, 5)
        expect(crossEntropy(tf.tensor2d([[1, 2, 3]]), [2]).dataSync()[0]).toBeCloseTo(0.407606, 5)
        // gradient: (softmax − onehot) / B
        const g = tf.grad((l: tf.Tensor) => crossEntropy(l as tf.Tensor2D, [2, 0]))(logits).arraySync() as number[][]
        expect(g[1]![0]).toBeCloseTo((1 / 3 - 1) / 2, 5)
        expect(g[1]![2]).toBeCloseTo(1 / 3 / 2, 5)
      }),
    )
  })

  it('rejects labels outside the classes', () => {
    tf.tidy(() => {
      expect(() => crossEntropy(tf.zeros([1, 3]) as tf.Tensor2D, [3])).toThrow(/0\.\.2/)
      expect(() => crossEntropy(tf.zeros([2, 3]) as tf.Tensor2D, [1])).toThrow(/1 labels for a batch of 2/)
    })
  })
})

describe('feature distillation (FROSTER projector, α 0.1, weight 2.0)', () => {
  it('starts as the identity: the second layer is zero, the first Kaiming-normal', async () => {
    const p = createProjector(64, 0.1, 3)
    await expectNoLeak(() =>
      tf.tidy(() => {
        expect(tf.max(tf.abs(p.fc2)).dataSync()[0]).toBe(0)
        const std = Math.sqrt(tf.moments(p.fc1).variance.dataSync()[0]!)
        expect(std).toBeGreaterThan(Math.sqrt(2 / 64) * 0.9)
        expect(std).toBeLessThan(Math.sqrt(2 / 64) * 1.1)
        const z = tf.randomNormal([5, 64], 0, 1, 'float32', 1) as tf.Tensor2D
        expect(tf.max(tf.abs(tf.sub(project(z, p), z))).dataSync()[0]).toBe(0)
      }),
    )
    disposeProjector(p)
  })

  it('computes p(z) = z + α·fc2(GELU(fc1 z))', () => {
    const p = createProjector(2, 0.1)
    tf.tidy(() => {
      p.fc1.assign(tf.tensor2d([[1, 0], [0, -1]]))
      p.fc2.assign(tf.tensor2d([[1, 1], [0, 2]]))
      // z = (1, 1): fc1 z = (1, −1); GELU: 0.8413447, −0.1586553; fc2 → (0.6826894, −0.3173106); ×0.1 + z
      const out = project(tf.tensor2d([[1, 1]]), p).dataSync()
      expect(out[0]).toBeCloseTo(1.0682689, 5)
      expect(out[1]).toBeCloseTo(0.9682689, 5)
    })
    disposeProjector(p)
  })

  it('L_FD = 1 − mean cos(p(v̂), v̂_teacher); gradients flow, stop, or the term is off', async () => {
    const p = createProjector(2, 0.1)
    p.fc1.assign(tf.eye(2))
    const student = () => tf.tensor2d([[2, 0], [0, 3]])
    const teacher = () => tf.tensor2d([[1, 0], [1, 1]])
    await expectNoLeak(() =>
      tf.tidy(() => {
        // at init p = identity: cos = 1 and 1/√2 → 1 − (1 + 0.7071068)/2 = 0.1464466
        expect(distillationLoss(student(), teacher(), p, 'flow')!.dataSync()[0]).toBeCloseTo(0.1464466, 5)
        expect(distillationLoss(student(), teacher(), p, 'stop')!.dataSync()[0]).toBeCloseTo(0.1464466, 5)
        expect(distillationLoss(student(), teacher(), p, 'off')).toBeNull()
        const grads = (mode: 'flow' | 'stop') =>
          tf.grads((s: tf.Tensor, w2: tf.Tensor, t: tf.Tensor) => {
            const q = { fc1: p.fc1, fc2: w2 as tf.Variable, alpha: 0.1 }
            return distillationLoss(s as tf.Tensor2D, t as tf.Tensor2D, q, mode)!
          })([student(), p.fc2, teacher()])
        const [gs, gw, gt] = grads('flow')
        expect(tf.sum(tf.abs(gs!)).dataSync()[0]).toBeGreaterThan(1e-3)
        expect(tf.sum(tf.abs(gw!)).dataSync()[0]).toBeGreaterThan(1e-3)
        expect(tf.sum(tf.abs(gt!)).dataSync()[0]).toBe(0) // the teacher is frozen
        for (const g of grads('stop')) expect(tf.sum(tf.abs(g)).dataSync()[0]).toBe(0)
      }),
    )
    disposeProjector(p)
  })
})
