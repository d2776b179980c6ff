import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStddModel, disposeStddModel, trainableVariables } from '../../../../main/engine/stdd/adaptation'
import type { StddVideoModel } from '../../../../main/engine/stdd/model'
import { AdamW } from '../../../../main/engine/optim/adamw'
import { resolveStddConfig } from '../../../../main/engine/stdd/config'
import { stddTrainStep, type TrainBatch } from '../../../../main/engine/stdd/train_step'
import { flattenWeights, type WeightTree } from '../../../../main/engine/tf/tree'
import { seededRng } from '../../../../main/engine/util/random'
import { useWasm } from '../../../helpers/tf'
import { randomTensor } from '../tf/numeric-grad'
import { tinyClip, tinyClips } from './tiny-clip'

/** AdamW that keeps a copy of the gradients it is given (null stays null). */
class RecordingAdamW extends AdamW {
  seen: (Float32Array | null)[] = []
  override step(vars: readonly tf.Variable[], grads: readonly (tf.Tensor | null)[]): tf.Scalar {
    this.seen = grads.map((g) => (g ? (g.dataSync() as Float32Array).slice() : null))
    return super.step(vars, grads)
  }
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0)
const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
const values = (model: StddVideoModel): Float32Array[] => trainableVariables(model).map((v) => (v.dataSync() as Float32Array).slice())

let clip: ReturnType<typeof tinyClip>
beforeAll(async () => {
  await useWasm()
  clip = tinyClip(2)
})
afterAll(() => clip.dispose())

// Masks drawn without randomness (phase 0, no shuffle), so a batch of 4 and two of 2 see the same masks.
const config = () => resolveStddConfig({ stca: { mixing: { fold: 4 }, masking: { phase: 'fixed', shuffle: 'off' } } })
const newModel = () => buildStddModel(clip.weights, clip.config, config(), { seed: 0 })
const newOptimizer = () => new RecordingAdamW({ lr: 1e-2, weightDecay: 0.05, eps: 1e-4 })

describe('gradient accumulation in stddTrainStep', () => {
  it('2 micro-batches × 2 clips give the gradients, losses and AdamW update of one batch of 4', async () => {
    const clips = tinyClips(4, 4, 3)
    const prompts = randomTensor([3, 4, 8], 5) as tf.Tensor3D
    const labels = [0, 2, 1, 2]
    const half = (i: number): TrainBatch => ({ clips: tf.slice(clips, [2 * i], [2]), labels: labels.slice(2 * i, 2 * i + 2), prompts })
    const halves = [half(0), half(1)]
    const one = newModel()
    const two = newModel()
    const [optOne, optTwo] = [newOptimizer(), newOptimizer()]
    const before = tf.memory().numTensors
    try {
      const initial = values(one)
      const whole = await stddTrainStep(one, [{ clips, labels, prompts }], optOne, { rng: seededRng(1) })
      const accumulated = await stddTrainStep(two, halves, optTwo, { rng: seededRng(1) })
      expect(tf.memory().numTensors - before, 'only the moments remain').toBe(2 * 2 * trainableVariables(one).length)
      expect(accumulated!.clips).toBe(4)
      expect(accumulated!.total).toBeCloseTo(whole!.total, 5)
      expect(accumulated!.ce).toBeCloseTo(whole!.ce, 5)
      expect(accumulated!.fd!).toBeCloseTo(whole!.fd!, 5)
      expect(accumulated!.gradNorm).toBeCloseTo(whole!.gradNorm, 4)
      expect(optTwo.seen).toHaveLength(optOne.seen.length)
      optOne.seen.forEach((g, i) => {
        const h = optTwo.seen[i]!
        expect(maxAbsDiff(g!, h), `gradient ${i}`).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(g!)))
      })
      const [afterOne, afterTwo] = [values(one), values(two)]
      afterOne.forEach((v, i) => {
        expect(maxAbsDiff(v, afterTwo[i]!), `variable ${i} after the update`).toBeLessThanOrEqual(1e-5)
        // the step did move the variable (a non-zero gradient or a decay), so the comparison is not of two untouched copies
        expect(maxAbsDiff(v, initial[i]!), `variable ${i} moved`).toBeGreaterThan(0)
      })
    } finally {
      tf.dispose([clips, prompts, ...halves.map((h) => h.clips)])
      optOne.dispose()
      optTwo.dispose()
      disposeStddModel(one)
      disposeStddModel(two)
    }
  })

  it('hands AdamW a null gradient for a trainable variable the loss does not reach, which then neither decays nor moves', async () => {
    const model = newModel()
    // Without a teacher there is no distillation term: the (trainable, flow-mode) projector gets no gradient.
    tf.dispose(flattenWeights(model.teacher as unknown as WeightTree).map(([, t]) => t))
    model.teacher = null
    const projector = [model.projector!.fc1, model.projector!.fc2]
    const vars = trainableVariables(model)
    const projectorAt = projector.map((p) => vars.indexOf(p))
    expect(projectorAt.every((i) => i >= 0)).toBe(true)
    const fc1 = (model.projector!.fc1.dataSync() as Float32Array).slice()
    const opt = newOptimizer()
    const clips = tinyClips(2, 4, 3)
    const prompts = randomTensor([3, 4, 8], 5) as tf.Tensor3D
    try {
      for (let i = 0; i < 2; i++) {
        const r = await stddTrainStep(model, [{ clips, labels: [0, 1], prompts }], opt, { rng: seededRng(i) })
        expect(r!.fd).toBeNull()
      }
      expect(projectorAt.map((i) => opt.seen[i])).toEqual([null, null])
      expect(opt.seen.filter((g) => g !== null).length).toBe(vars.length - 2)
      expect(model.projector!.fc1.dataSync()).toEqual(fc1) // a zero gradient would have decayed it by (1 − lr·0.05) per step
      expect(maxAbs(model.projector!.fc2.dataSync() as Float32Array)).toBe(0)
    } finally {
      tf.dispose([clips, prompts])
      opt.dispose()
      disposeStddModel(model)
    }
  })

  it('gives bit-identical results for the same seed (seed 0 included: tfjs random ops treat it as unseeded)', async () => {
    const runOnce = async (): Promise<{ results: unknown[]; weights: Float32Array[] }> => {
      const model = buildStddModel(clip.weights, clip.config, resolveStddConfig({ stca: { mixing: { fold: 4 } } }), { seed: 0 })
      const opt = new AdamW({ lr: 1e-2, clipNorm: 1 })
      const clips = tinyClips(2, 4, 3)
      const prompts = randomTensor([3, 4, 8], 5) as tf.Tensor3D
      const masks = seededRng(0)
      try {
        const results = []
        for (let i = 0; i < 2; i++) results.push(await stddTrainStep(model, [{ clips, labels: [0, 2], prompts }], opt, { rng: masks }))
        return { results, weights: values(model) }
      } finally {
        tf.dispose([clips, prompts])
        opt.dispose()
        disposeStddModel(model)
      }
    }
    const [a, b] = [await runOnce(), await runOnce()]
    expect(b.results).toEqual(a.results)
    b.weights.forEach((w, i) => expect(w, `variable ${i}`).toEqual(a.weights[i]))
  })
})
