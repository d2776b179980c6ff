import { existsSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClipModel } from '../../../../main/engine/clip/modeling_clip_model'
import { resolveCheckpoint } from '../../../../main/engine/synthclip/checkpoints'
import { disposeTrainable } from '../../../../main/engine/synthclip/init'
import { learningRate, pretrainSynthClip } from '../../../../main/engine/synthclip/pretrain'
import { recreateSynthClip, type RecreateResult } from '../../../../main/engine/synthclip/recreate'
import { tempDir } from '../../../helpers/temp-dir'
import { useWasm } from '../../../helpers/tf'

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

describe('SynthCLIP pretraining (tiny run)', () => {
  const tmp = tempDir('synthclip-pretrain-')
  let result: RecreateResult
  let tensorsBefore: number

  beforeAll(async () => {
    await useWasm()
    tensorsBefore = tf.memory().numTensors
    result = await recreateSynthClip({ out: tmp.path, steps: 24, batchSize: 32, imageSize: 32, lr: 3e-3, quality: { frames: 30, clipsPerClass: 1 } })
  })
  afterAll(() => tmp.remove())

  it('lowers the contrastive loss', () => {
    expect(result.losses).toHaveLength(24)
    expect(result.losses.every(Number.isFinite)).toBe(true)
    // Starts near ln(32) = 3.47 (random embeddings); the last steps average clearly lower.
    expect(mean(result.losses.slice(0, 4))).toBeGreaterThan(3)
    expect(mean(result.losses.slice(-4))).toBeLessThan(mean(result.losses.slice(0, 4)) - 0.3)
  })

  it('writes a folder that loads as a CLIP checkpoint, and leaves no tensors behind', () => {
    expect(tf.memory().numTensors).toBe(tensorsBefore)
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'preprocessor_config.json', 'README.md']) expect(existsSync(join(tmp.path, f)), f).toBe(true)
    const model = ClipModel.fromPretrained(resolveCheckpoint(tmp.path))
    try {
      expect(model.config.vision.imageSize).toBe(32)
      expect(model.numParameters()).toBe(result.parameters)
    } finally {
      model.dispose()
    }
  })

  it('is deterministic for a seed', async () => {
    const run = async (): Promise<number[]> => {
      const r = await pretrainSynthClip({ steps: 2, batchSize: 8, imageSize: 16, seed: 5 })
      disposeTrainable(r.model)
      return r.losses
    }
    expect(await run()).toEqual(await run())
  })

  it('warms up linearly, then decays along a cosine to zero', () => {
    expect(learningRate(0, 100, 10, 1)).toBeCloseTo(0.1)
    expect(learningRate(9, 100, 10, 1)).toBeCloseTo(1)
    expect(learningRate(55, 100, 10, 1)).toBeCloseTo(0.5)
    expect(learningRate(100, 100, 10, 1)).toBeCloseTo(0)
  })
})
