import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { alignmentFromSim, classScores, frameScores, videoClassScores } from '../../../../main/engine/stdd/alignment'
import { expectNoLeak, useWasm } from '../../../helpers/tf'

beforeAll(async () => {
  await useWasm()
})

/**
 * One clip of 3 frames, 2 classes × 2 prompts, E = 2, λ = exp(log 2) = 2. Inputs are scaled (×3,
 * ×0.5) so the normalisation is exercised. Normalised: frames (1,0), (0,1), (.6,.8); class 0 prompts
 * (1,0), (.6,.8); class 1 prompts (0,1), (−.6,.8).
 * Cosines, frames × prompts: class 0 [[1, .6], [0, .8], [.6, 1]], class 1 [[0, −.6], [1, .8], [.8, .28]].
 * v2t = mean_t max_n: class 0 (1 + .8 + 1)/3, class 1 (0 + 1 + .8)/3 → ×2 = 1.866667, 1.2
 * t2v = mean_n max_t: class 0 (1 + 1)/2,     class 1 (1 + .8)/2      → ×2 = 2, 1.8
 * mean: 1.933333, 1.5
 * video–class: video = norm(mean v̂) = norm(.533333, .6); classes norm(.8, .4), norm(−.3, .9):
 * 2·cos = 1.856953, 0.997929.
 */
const frames = () => tf.tensor3d([[[3, 0], [0, 3], [1.8, 2.4]]])
const prompts = () => tf.tensor3d([[[0.5, 0], [0.3, 0.4]], [[0, 0.5], [-0.3, 0.4]]])
const logScale = () => tf.scalar(Math.log(2))

function close(actual: number[][], expected: number[][], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length)
  actual.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!), `[${i}][${j}] = ${v}`).toBeLessThan(tol)))
}

describe('alignment scores (Eq. 8)', () => {
  it('computes λ·cos per frame and prompt', () => {
    tf.tidy(() => {
      const sim = frameScores(frames(), prompts(), logScale()).arraySync()[0]!
      close(sim.map((t) => t.flat()), [
        [2, 1.2, 0, -1.2],
        [0, 1.6, 2, 1.6],
        [1.2, 2, 1.6, 0.56],
      ])
    })
  })

  it('v2t, t2v and their mean', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const sim = frameScores(frames(), prompts(), logScale())
        close(alignmentFromSim(sim, 'v2t').arraySync(), [[1.866667, 1.2]])
        close(alignmentFromSim(sim, 't2v').arraySync(), [[2, 1.8]])
        close(alignmentFromSim(sim, 'mean').arraySync(), [[1.933333, 1.5]])
      }),
    )
  })

  it('the video–class variant: average-pooled video vs class-averaged prompts', () => {
    tf.tidy(() => {
      close(videoClassScores(frames(), prompts(), logScale()).arraySync(), [[1.856953, 0.997929]])
      close(classScores(frames(), prompts(), logScale(), { mode: 'mean', level: 'video_class' }).scores.arraySync(), [[1.856953, 0.997929]])
    })
  })

  it('classScores keeps the frame × prompt matrix only when asked', async () => {
    await expectNoLeak(() => {
      const a = tf.tidy(() => classScores(frames(), prompts(), logScale(), { mode: 'mean', level: 'frame_prompt', keepSim: true }) as unknown as tf.TensorContainer) as unknown as { scores: tf.Tensor2D; sim?: tf.Tensor4D }
      close(a.scores.arraySync(), [[1.933333, 1.5]])
      expect(a.sim!.shape).toEqual([1, 3, 2, 2])
      tf.dispose([a.scores, a.sim!])
      const b = tf.tidy(() => classScores(frames(), prompts(), logScale(), { mode: 'mean', level: 'frame_prompt' }) as unknown as tf.TensorContainer) as unknown as { scores: tf.Tensor2D; sim?: tf.Tensor4D }
      expect(b.sim).toBeUndefined()
      b.scores.dispose()
    })
  })

  it('routes the gradient of each max to one position among exact ties (the first, as PyTorch\'s max(dim))', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        // one frame, one class, prompts [a, a, b] (a cycled in twice): both copies of a tie at the max
        const sim = tf.tensor4d([[[[2, 2, 1]]]])
        const g = tf.grad((s: tf.Tensor) => tf.sum(alignmentFromSim(s as tf.Tensor4D, 'v2t')))(sim)
        expect(Array.from(g.dataSync())).toEqual([1, 0, 0])
        const over = tf.tensor4d([[[[3]]], [[[3]]]]).reshape([1, 2, 1, 1]) as tf.Tensor4D // two frames tie for t2v
        expect(Array.from(tf.grad((s: tf.Tensor) => tf.sum(alignmentFromSim(s as tf.Tensor4D, 't2v')))(over).dataSync())).toEqual([1, 0])
      }),
    )
  })

  it('gives the frames the same gradient whether a cycled prompt\'s copies score bit-identically or a last bit apart (issue 19: BLAS vs pure-JS drift)', () => {
    tf.tidy(() => {
      const base = [[0.5, 0.1], [0.3, 0.4]]
      const frameGrad = (copy: number[]): Float32Array =>
        tf.grad((f: tf.Tensor) => tf.sum(classScores(f as tf.Tensor3D, tf.tensor3d([[...base, copy]]), logScale(), { mode: 'mean', level: 'frame_prompt' }).scores))(frames()).dataSync() as Float32Array
      const exact = frameGrad(base[0]!)
      const apart = frameGrad([0.5, 0.1 * (1 - 2 ** -16)]) // the copy's score a hair lower, as another kernel may round it
      exact.forEach((g, i) => expect(Math.abs(g - apart[i]!), `frame gradient [${i}]: ${g} vs ${apart[i]}`).toBeLessThan(1e-4))
    })
  })

  it('sends gradients to the frames and the logit scale', () => {
    tf.tidy(() => {
      const [gv, gs] = tf.grads((v: tf.Tensor, s: tf.Tensor) => tf.sum(alignmentFromSim(frameScores(v as tf.Tensor3D, prompts(), s), 'mean')))([frames(), logScale()])
      // dS/dlogit_scale = S itself (λ multiplies every score): 1.933333 + 1.5
      expect(gs!.dataSync()[0]).toBeCloseTo(3.433333, 4)
      expect(tf.sum(tf.abs(gv!)).dataSync()[0]).toBeGreaterThan(0)
    })
  })
})
