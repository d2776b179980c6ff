import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clipTextTransformer } from '../../../../main/engine/clip/modeling_clip_text'
import { clipVisionTransformer } from '../../../../main/engine/clip/modeling_clip_vision'
import { batchedAttention } from '../../../../main/engine/synthclip/batched_attention'
import { SYNTH_CLIP_SIZE, synthClipConfig } from '../../../../main/engine/synthclip/config'
import { clipContrastiveLoss } from '../../../../main/engine/synthclip/contrastive'
import { FrameSampler } from '../../../../main/engine/synthclip/frames'
import { disposeTrainable, initTrainableClip, type TrainableClip } from '../../../../main/engine/synthclip/init'
import { clipTokenizerOf } from '../../../../main/engine/synthclip/pretrain'
import { clipTextTransformerTrain, tokenLookup, trimPadding } from '../../../../main/engine/synthclip/text_train'
import { buildSynthTokenizer } from '../../../../main/engine/synthclip/tokenizer_files'
import { clipVisionPooledFromPatches, cutPatches } from '../../../../main/engine/synthclip/vision_train'
import { expectNoLeak, useWasm } from '../../../helpers/tf'

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!)

describe('SynthCLIP training forward', () => {
  const tokenizer = buildSynthTokenizer()
  const tok = clipTokenizerOf(tokenizer)
  const config = synthClipConfig(tokenizer, { ...SYNTH_CLIP_SIZE, layers: 2, imageSize: 32, patchSize: 8 })
  let model: TrainableClip

  beforeAll(async () => {
    await useWasm()
    model = initTrainableClip(config, 3)
    // Give LayerNorms and biases non-trivial values so the comparison covers them.
    tf.tidy(() => model.named.forEach(([, v]) => v.rank < 2 && v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.1, 'float32', 7)))))
  })
  afterAll(() => disposeTrainable(model))

  const captions = ['a small red square at the left on grass', 'an empty scene at night', 'a large faint yellow triangle at the top on snow', 'a video of Blue Circle Growing On Snow, which involves a blue circle.']

  it('text tower: equals the inference forward (padded to 77 or trimmed, either attention)', async () => {
    await expectNoLeak(() => {
      const full = tok.call(captions)
      const trimmed = trimPadding(full)
      expect(trimmed.inputIds[0]!.length).toBeLessThan(77)
      const w = model.weights.text_model!
      const ref = clipTextTransformer(full.inputIds, full.attentionMask, w, config.text)
      const a = clipTextTransformerTrain(full.inputIds, full.attentionMask, w, config.text)
      const b = clipTextTransformerTrain(trimmed.inputIds, trimmed.attentionMask, w, config.text, batchedAttention)
      expect(maxAbsDiff(a.lastHiddenState, ref.lastHiddenState)).toBeLessThan(1e-5)
      expect(maxAbsDiff(a.pooled, ref.pooled)).toBeLessThan(1e-5)
      expect(maxAbsDiff(b.pooled, ref.pooled)).toBeLessThan(1e-5)
      tf.dispose([ref, a, b] as unknown as tf.Tensor[])
    })
  })

  it('vision tower: patches cut in JS and batched attention give the inference forward', async () => {
    await expectNoLeak(() => {
      const frames = new FrameSampler(5, 32).batch(6)
      tf.tidy(() => {
        const px = tf.tensor4d(frames.pixels, [6, 3, 32, 32])
        const w = model.weights.vision_model!
        const ref = clipVisionTransformer(px, w, config.vision)
        const got = clipVisionTransformer(px, w, config.vision, { attention: batchedAttention })
        expect(maxAbsDiff(got.pooled, ref.pooled)).toBeLessThan(1e-5)
        expect(maxAbsDiff(got.lastHiddenState, ref.lastHiddenState)).toBeLessThan(1e-5)
        const patches = cutPatches(frames.pixels, 6, 3, 32, config.vision.patchSize)
        expect(maxAbsDiff(clipVisionPooledFromPatches(patches, 6, w, config.vision, batchedAttention), ref.pooled)).toBeLessThan(1e-5)
        expect(maxAbsDiff(clipVisionPooledFromPatches(patches, 6, w, config.vision), ref.pooled)).toBeLessThan(1e-5)
      })
    })
  })

  it('token lookup: its hand-written gradient equals the one-hot product gradient', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const table = tf.randomNormal([11, 4], 0, 1, 'float32', 1) as tf.Tensor2D
        const ids = tf.tensor1d([3, 0, 3, 10, 7], 'int32')
        const weightsOut = tf.randomNormal([5, 4], 0, 1, 'float32', 2)
        const viaLookup = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tokenLookup(t as tf.Tensor2D, ids), weightsOut)))(table)
        const viaOneHot = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.oneHot(ids, 11).toFloat(), t as tf.Tensor2D), weightsOut)))(table)
        expect(maxAbsDiff(tokenLookup(table, ids), tf.gather(table, ids))).toBe(0)
        expect(maxAbsDiff(viaLookup, viaOneHot)).toBeLessThan(1e-5)
      }),
    )
  })

  it('text tower: gradients reach every text weight on WASM', () => {
    const batch = trimPadding(tok.call(captions))
    const textVars = model.named.filter(([n]) => n.startsWith('text_model.')).map(([, v]) => v)
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(clipTextTransformerTrain(batch.inputIds, batch.attentionMask, model.weights.text_model!, config.text, batchedAttention).pooled)) as tf.Scalar, textVars)
    const norms = textVars.map((v) => tf.tidy(() => tf.norm(grads[v.name]!).dataSync()[0]!))
    expect(norms.every((n) => Number.isFinite(n))).toBe(true)
    expect(norms.filter((n) => n > 0).length).toBe(textVars.length)
    tf.dispose([value, ...Object.values(grads)])
  })

  it('contrastive loss: symmetric InfoNCE as a plain computation gives it', () => {
    const img = [
      [1, 0, 0],
      [0.6, 0.8, 0],
      [0, 0, 2],
    ]
    const txt = [
      [0.9, 0.1, 0],
      [0, 1, 0],
      [1, 1, 1],
    ]
    const scale = Math.log(10)
    const norm = (v: number[]): number[] => v.map((x) => x / Math.hypot(...v))
    const logits = img.map((a) => txt.map((b) => 10 * norm(a).reduce((s, x, k) => s + x * norm(b)[k]!, 0)))
    const ce = (rows: number[][]): number => rows.reduce((s, r, i) => s - (r[i]! - Math.log(r.reduce((t, x) => t + Math.exp(x), 0))), 0) / rows.length
    const expected = (ce(logits) + ce(logits[0]!.map((_, j) => logits.map((r) => r[j]!)))) / 2
    const got = tf.tidy(() => clipContrastiveLoss(tf.tensor2d(img), tf.tensor2d(txt), tf.scalar(scale)).dataSync()[0]!)
    expect(got).toBeCloseTo(expected, 5)
  })
})
