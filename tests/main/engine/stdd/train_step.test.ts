import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStddModel, disposeStddModel, trainableVariables } from '../../../../main/engine/stdd/adaptation'
import { AdamW } from '../../../../main/engine/optim/adamw'
import { resolveStddConfig, type StddConfigInput } from '../../../../main/engine/stdd/config'
import { seededRng } from '../../../../main/engine/util/random'
import { stddTrainStep, type StepResult } from '../../../../main/engine/stdd/train_step'
import { useWasm } from '../../../helpers/tf'
import { randomTensor } from '../tf/numeric-grad'
import { tinyClip, tinyClips } from './tiny-clip'

let clip: ReturnType<typeof tinyClip>
beforeAll(async () => {
  await useWasm()
  clip = tinyClip(2)
})
afterAll(() => clip.dispose())

describe('AdamW (torch semantics)', () => {
  it('decays ≥2-D and 0-D parameters only, then takes the bias-corrected Adam step', () => {
    const vec = tf.variable(tf.tensor1d([1, 2]))
    const mat = tf.variable(tf.tensor2d([[1]]))
    const opt = new AdamW({ lr: 0.1, weightDecay: 0.01 })
    tf.tidy(() => {
      // step 1: m̂ = g, v̂ = g² → update = sign(g); the matrix is first scaled by 1 − 0.1·0.01
      opt.step([vec, mat], [tf.tensor1d([0.5, -1]), tf.tensor2d([[2]])]).dispose()
    })
    expect(Array.from(vec.dataSync())).toEqual([expect.closeTo(0.9, 6), expect.closeTo(2.1, 6)])
    expect(mat.dataSync()[0]).toBeCloseTo(0.999 - 0.1, 6)
    opt.dispose()
    tf.dispose([vec, mat])
  })

  it('leaves a variable with a null gradient alone: no decay, no moment update, also after earlier steps', () => {
    const used = tf.variable(tf.tensor2d([[1, 2]]))
    const skipped = tf.variable(tf.tensor2d([[3, 4]]))
    const opt = new AdamW({ lr: 0.1, weightDecay: 0.5 })
    tf.tidy(() => opt.step([used, skipped], [null, tf.tensor2d([[1, 1]])]).dispose())
    expect(Array.from(used.dataSync())).toEqual([1, 2]) // never had a gradient: untouched (decay would give 0.95, 1.9)
    const afterFirst = Array.from(skipped.dataSync())
    expect(afterFirst[0]).toBeCloseTo(3 * 0.95 - 0.1, 6)
    tf.tidy(() => opt.step([used, skipped], [tf.tensor2d([[1, 1]]), null]).dispose())
    // skipped now has moments from step 1: a zero gradient would still decay it and move it by m̂/√v̂
    expect(Array.from(skipped.dataSync())).toEqual(afterFirst)
    expect(used.dataSync()[0]).toBeCloseTo(1 * 0.95 - 0.1, 6)
    expect(opt.exportState([used, skipped]).moments.map((m) => m !== null)).toEqual([true, true])
    opt.dispose()
    tf.dispose([used, skipped])
  })

  it('clips the global gradient norm (on the device) and returns the norm before clipping', async () => {
    // two steps, g = (3, 4) then (.3, .4), lr 0.1, no decay on a 1-D parameter (hand/numpy: 0.806782, 1.806782 clipped; 0.825919, 1.825919 not)
    for (const [clipNorm, expected] of [
      [1, [0.806782, 1.806782]],
      [undefined, [0.825919, 1.825919]],
    ] as const) {
      const p = tf.variable(tf.tensor1d([1, 2]))
      const opt = new AdamW({ lr: 0.1, clipNorm })
      const before = tf.memory().numTensors
      const n1 = tf.tidy(() => opt.step([p], [tf.tensor1d([3, 4])]))
      tf.tidy(() => opt.step([p], [tf.tensor1d([0.3, 0.4])])).dispose()
      expect((await n1.data())[0]).toBeCloseTo(5, 5)
      n1.dispose()
      expect(tf.memory().numTensors - before, 'only the moments m and v remain').toBe(2)
      const got = p.dataSync()
      expect(got[0]).toBeCloseTo(expected[0], 5)
      expect(got[1]).toBeCloseTo(expected[1], 5)
      opt.dispose()
      p.dispose()
    }
  })
})

describe('stddTrainStep', () => {
  const batch = () => ({ clips: tinyClips(2, 4, 3), labels: [0, 2], prompts: randomTensor([3, 4, 8], 5) as tf.Tensor3D })
  const run = async (over: StddConfigInput, steps: number) => {
    const model = buildStddModel(clip.weights, clip.config, resolveStddConfig({ stca: { mixing: { fold: 4 } }, ...over }))
    const b = batch()
    const opt = new AdamW({ lr: 3e-3, clipNorm: 1 })
    const teacherBefore = model.teacher ? model.teacher.visual_projection.weight.dataSync().slice() : null
    const fc2Before = model.projector ? model.projector.fc2.dataSync().slice() : null
    const before = tf.memory().numTensors
    const results: StepResult[] = []
    try {
      for (let i = 0; i < steps; i++) results.push((await stddTrainStep(model, [b], opt, { rng: seededRng(100 + i) }))!)
    } catch (err) {
      tf.dispose([b.clips, b.prompts])
      opt.dispose()
      disposeStddModel(model)
      throw err
    }
    const leaked = tf.memory().numTensors - before
    const out = {
      results,
      leaked,
      teacherMoved: teacherBefore ? Math.max(...model.teacher!.visual_projection.weight.dataSync().map((v, i) => Math.abs(v - teacherBefore[i]!))) : null,
      fc2Moved: fc2Before ? Math.max(...model.projector!.fc2.dataSync().map((v, i) => Math.abs(v - fc2Before[i]!))) : null,
      optimizerTensors: 2 * trainableVariables(model).length,
    }
    tf.dispose([b.clips, b.prompts])
    opt.dispose()
    disposeStddModel(model)
    return out
  }

  it('lowers L = CE + 2·L_FD on a fixed batch; the teacher never moves; the projector trains (flow)', async () => {
    const r = await run({}, 4)
    const totals = r.results.map((s) => s.total)
    expect(totals[3]!).toBeLessThan(totals[0]!)
    for (const s of r.results) expect(s.total).toBeCloseTo(s.ce + 2 * s.fd!, 5)
    expect(r.results[0]!.fd).toBeGreaterThan(0) // the STCA student differs from its plain teacher
    expect(r.teacherMoved).toBe(0)
    expect(r.fc2Moved!).toBeGreaterThan(0)
    // only the optimizer's moments remain (m and v per trainable variable)
    expect(r.leaked).toBe(r.optimizerTensors)
  })

  it('with the released no-grad distillation the projector stays at zero; with it off there is no term', async () => {
    const stop = await run({ distillation: { gradient: 'stop' } }, 1)
    expect(stop.fc2Moved).toBe(0)
    expect(stop.results[0]!.fd).toBeGreaterThan(0)
    const off = await run({ distillation: { gradient: 'off' } }, 1)
    expect(off.results[0]!.fd).toBeNull()
    expect(off.results[0]!.total).toBeCloseTo(off.results[0]!.ce, 6)
  })

  it('refuses to train in frozen mode', async () => {
    await expect(run({ adaptation: { mode: 'frozen' } }, 1)).rejects.toThrow(/trains no parameter/)
  })
})
