import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClipModel } from '../../../../main/engine/clip/modeling_clip_model'
import { clipWeightSpecs } from '../../../../main/engine/clip/weights_clip'
import { buildStddModel, disposeStddModel, trainableVariables } from '../../../../main/engine/stdd/adaptation'
import type { StddVideoModel } from '../../../../main/engine/stdd/model'
import { flattenWeights, type WeightTree } from '../../../../main/engine/tf/tree'
import { alignmentFromSim, frameScores } from '../../../../main/engine/stdd/alignment'
import { predictClips } from '../../../../main/engine/stdd/capture'
import { resolveStddConfig, StddConfigError, STDD_DEFAULTS, type StddConfigInput } from '../../../../main/engine/stdd/config'
import { seededRng } from '../../../../main/engine/util/random'
import { stddForward } from '../../../../main/engine/stdd/video_model'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { randomTensor } from '../tf/numeric-grad'
import { tinyClip, tinyClips } from './tiny-clip'

let clip: ReturnType<typeof tinyClip>

beforeAll(async () => {
  await useWasm()
  clip = tinyClip(2)
})
afterAll(() => clip.dispose())

const base: StddConfigInput = { stca: { mixing: { fold: 4 } } }
function build(over: StddConfigInput = {}): StddVideoModel {
  const merged = { ...base, ...over, stca: { ...base.stca, ...over.stca, mixing: { ...base.stca!.mixing, ...over.stca?.mixing } } }
  return buildStddModel(clip.weights, clip.config, resolveStddConfig(merged))
}
const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!)

describe('config', () => {
  it('has the defaults of docs/method.md §9', () => {
    expect(STDD_DEFAULTS.stca.masking).toMatchObject({ enabled: true, variant: 'repeat_window', ratio: 0.5, window: [2, 2], phase: 'random', shuffle: 'train' })
    expect(STDD_DEFAULTS.stca.mixing).toEqual({ mode: 'continual', fold: 32, scales: [1, 2] })
    expect(STDD_DEFAULTS.stca.cls).toBe('branch')
    expect(STDD_DEFAULTS.distillation).toEqual({ gradient: 'flow', weight: 2, alpha: 0.1 })
    expect(STDD_DEFAULTS.alignment).toEqual({ mode: 'mean', level: 'frame_prompt' })
    expect(STDD_DEFAULTS.adaptation.mode).toBe('full')
    expect(Object.isFrozen(STDD_DEFAULTS.stca.masking)).toBe(true)
  })

  it('names the option and the allowed values', () => {
    const err = (input: unknown): string => {
      try {
        resolveStddConfig(input)
      } catch (e) {
        expect(e).toBeInstanceOf(StddConfigError)
        return (e as Error).message
      }
      throw new Error('no error')
    }
    expect(err({ stca: { masking: { variant: 'checkerboard' } } })).toMatch(/stca\.masking\.variant must be one of "repeat_window", "random_window", "uniform", "random_shift", "random_frame"/)
    expect(err({ stca: { masking: { ratio: 0.3 } } })).toMatch(/stca\.masking\.ratio must be one of 0\.25, 0\.5, 0\.75/)
    expect(err({ distillation: { gradient: 'detach' } })).toMatch(/distillation\.gradient must be one of "flow", "stop", "off"/)
    expect(err({ adaptation: { mode: 'lora' } })).toMatch(/adaptation\.mode must be one of "full", "frozen", "prompt"/)
    expect(err({ stca: { colour: 1 } })).toMatch(/stca unknown field\(s\) colour/)
  })
})

/** Parameters of the model's CLIP backbone part (vision tower, projection, logit scale): no prompts, no projector. */
function backboneParameterCount(model: StddVideoModel): number {
  const { vision_model, visual_projection, logit_scale } = model.weights
  const layers = vision_model.encoder.layers.map(({ prompt_mlp: _p, ...rest }) => rest)
  const tree = { vision_model: { ...vision_model, encoder: { layers } }, visual_projection, logit_scale } as unknown as WeightTree
  return flattenWeights(tree).reduce((n, [, t]) => n + t.size, 0)
}

describe('STDD video model', () => {
  it('adds no parameters: the backbone count equals CLIP vision + projection + logit scale', () => {
    const model = build()
    const clipCount = clipWeightSpecs(clip.config, ['vision']).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0)
    expect(backboneParameterCount(model)).toBe(clipCount)
    disposeStddModel(model)
  })

  it('with STCA off equals plain CLIP; on, it differs; eval is deterministic; training masks vary', async () => {
    const clips = tinyClips(2, 4)
    const off = build({ stca: { enabled: false }, distillation: { gradient: 'off' } })
    const on = build({ distillation: { gradient: 'off' } })
    await expectNoLeak(() =>
      tf.tidy(() => {
        const ref = new ClipModel(clip.config, clip.weights).encodeImages(clips.reshape([8, 3, 16, 16])).imageEmbeds
        const a = stddForward(off, clips, { training: false }).frameEmbeds
        expect(a.shape).toEqual([2, 4, 8])
        expect(maxDiff(a.reshape([8, 8]), ref)).toBeLessThan(1e-5)
        const b = stddForward(on, clips, { training: false }).frameEmbeds
        expect(maxDiff(b.reshape([8, 8]), ref)).toBeGreaterThan(1e-3)
        expect(maxDiff(b, stddForward(on, clips, { training: false }).frameEmbeds)).toBe(0)
        const t1 = stddForward(on, clips, { training: true, rng: seededRng(1) }).frameEmbeds
        const t2 = stddForward(on, clips, { training: true, rng: seededRng(2) }).frameEmbeds
        expect(maxDiff(t1, t2)).toBeGreaterThan(1e-4)
      }),
    )
    tf.dispose(clips)
    disposeStddModel(off)
    disposeStddModel(on)
  })

  it('runs STCA in a chosen subset of blocks', () => {
    const clips = tinyClips(1, 4)
    const all = build({ distillation: { gradient: 'off' } })
    const last = build({ stca: { layers: [1] }, distillation: { gradient: 'off' } })
    tf.tidy(() => {
      const a = stddForward(all, clips, { training: false }).frameEmbeds
      const b = stddForward(last, clips, { training: false }).frameEmbeds
      expect(maxDiff(a, b)).toBeGreaterThan(1e-4)
    })
    expect(() => build({ stca: { layers: [5] } })).toThrow(/stca\.layers: layer 5 does not exist/)
    tf.dispose(clips)
    disposeStddModel(all)
    disposeStddModel(last)
  })

  it('adaptation modes select the trainable parameters', () => {
    const count = (m: StddVideoModel) => trainableVariables(m).reduce((n, v) => n + v.size, 0)
    const backbone = clipWeightSpecs(clip.config, ['vision']).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0)
    const projector = 2 * 8 * 8
    const cases: [StddConfigInput, number][] = [
      [{ adaptation: { mode: 'full' } }, backbone + projector],
      [{ adaptation: { mode: 'full' }, distillation: { gradient: 'stop' } }, backbone],
      [{ adaptation: { mode: 'full' }, distillation: { gradient: 'off' } }, backbone],
      [{ adaptation: { mode: 'frozen' } }, 0],
      // prompt MLP per block: fc1 16×16 + 16, fc2 (1·16)×16 + 16; two blocks
      [{ adaptation: { mode: 'prompt' }, distillation: { gradient: 'off' } }, 2 * (256 + 16 + 256 + 16)],
      [{ adaptation: { mode: 'prompt', promptTokens: 2, promptHidden: 4 } }, 2 * (64 + 4 + 128 + 32) + projector],
    ]
    for (const [over, n] of cases) {
      const m = build(over)
      expect(count(m), JSON.stringify(over)).toBe(n)
      disposeStddModel(m)
    }
    expect(() => build({ stca: { enabled: false }, adaptation: { mode: 'prompt' } })).toThrow(/needs stca\.enabled/)
  })

  it('prompt mode: gradients reach the prompt MLPs (the only trainable variables) through the frozen blocks; the output changes once they are non-zero', () => {
    const m = build({ adaptation: { mode: 'prompt' }, distillation: { gradient: 'off' } })
    const clips = tinyClips(1, 4)
    const vars = trainableVariables(m)
    tf.tidy(() => {
      const before = stddForward(m, clips, { training: false }).frameEmbeds
      const { grads } = tf.variableGrads(() => tf.sum(stddForward(m, clips, { training: true, rng: seededRng(1), recompute: true }).frameEmbeds), vars)
      expect(Object.keys(grads).sort()).toEqual(vars.map((v) => v.name).sort())
      const fc2 = m.weights.vision_model.encoder.layers[1]!.prompt_mlp!.fc2.weight as tf.Variable
      expect(tf.sum(tf.abs(grads[fc2.name]!)).dataSync()[0]).toBeGreaterThan(0)
      fc2.assign(randomTensor(fc2.shape, 3, 0.5))
      expect(maxDiff(before, stddForward(m, clips, { training: false }).frameEmbeds)).toBeGreaterThan(1e-4)
    })
    tf.dispose(clips)
    disposeStddModel(m)
  })

  it('recompute gives the same gradients as a plain backward pass', () => {
    const m = build({ distillation: { gradient: 'off' } })
    const clips = tinyClips(1, 4)
    const vars = trainableVariables(m)
    tf.tidy(() => {
      const r = randomTensor([1, 4, 8], 9)
      const f = (recompute: boolean) => tf.variableGrads(() => tf.sum(tf.mul(stddForward(m, clips, { training: true, rng: seededRng(4), recompute }).frameEmbeds, r)), vars).grads
      const a = f(false)
      const b = f(true)
      const named = (g: tf.NamedTensorMap) => Object.keys(g).filter((k) => g[k]).sort()
      expect(named(b)).toEqual(named(a))
      // every backbone weight gets a gradient (the logit scale is not on this path)
      expect(named(a)).toHaveLength(vars.length - 1)
      for (const k of named(a)) expect(maxDiff(a[k]!, b[k]!), k).toBeLessThan(1e-4)
    })
    tf.dispose(clips)
    disposeStddModel(m)
  })

  it('captures the class-token attention and the frame × prompt matrix from the scoring pass', async () => {
    const m = build({ distillation: { gradient: 'off' } })
    const clips = tinyClips(2, 4)
    const prompts = randomTensor([3, 5, 8], 11) as tf.Tensor3D
    await expectNoLeak(() =>
      tf.tidy(() => {
        const p = predictClips(m, clips, prompts, { capture: true })
        expect(p.clsAttention!.shape).toEqual([2, 4, 4, 4])
        const sums = tf.sum(p.clsAttention!, [2, 3]).dataSync()
        for (const s of sums) expect(s > 0 && s < 1).toBe(true) // the rest is CLS → CLS
        expect(p.frameByPrompt!.shape).toEqual([2, 4, 3, 5])
        expect(maxDiff(p.frameByPrompt!, frameScores(p.frameEmbeds, prompts, m.weights.logit_scale))).toBeLessThan(1e-5)
        expect(maxDiff(p.scores, alignmentFromSim(p.frameByPrompt!, 'mean'))).toBeLessThan(1e-5)
        const plain = predictClips(m, clips, prompts)
        expect(plain.clsAttention).toBeUndefined()
        expect(maxDiff(plain.scores, p.scores)).toBe(0)
      }),
    )
    tf.dispose([clips, prompts])
    disposeStddModel(m)
  })

  it('prompt mode: the captured attention covers the patches only (prompt tokens dropped)', () => {
    const m = build({ adaptation: { mode: 'prompt', promptTokens: 2 }, distillation: { gradient: 'off' } })
    const clips = tinyClips(1, 4)
    const prompts = randomTensor([3, 5, 8], 12) as tf.Tensor3D
    tf.tidy(() => {
      const p = predictClips(m, clips, prompts, { capture: true })
      expect(p.clsAttention!.shape).toEqual([1, 4, 4, 4])
      for (const v of tf.sum(p.clsAttention!, [2, 3]).dataSync()) expect(v > 0 && v < 1).toBe(true)
    })
    tf.dispose([clips, prompts])
    disposeStddModel(m)
  })
})
