import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { ClipModel } from '../clip/modeling_clip_model'
import { ClipTokenizer } from '../clip/tokenization_clip'
import { disposeTrainable } from './init'
import { pretrainSynthClip, type PretrainOptions, type StepInfo } from './pretrain'
import { measureSynthClipQuality, type QualityOptions, type QualityReport } from './quality'
import { EVALUATION_SEED } from './quality'
import { evaluationFrames, measureFrameQuality, type FrameQuality } from './quality_frames'
import { FrameSampler } from './frames'
import { synthClipReadme } from './readme'
import { saveSynthClip } from './save'

/**
 * Pretrains SynthCLIP, measures it, writes the Hugging Face folder with its README, and checks the
 * written folder loads back through `ClipModel.fromPretrained` with the same outputs.
 */

export interface RecreateOptions extends Omit<PretrainOptions, 'onStep'> {
  out: string
  /** A quick frame-probe check every this many steps (0 = none). */
  checkEvery?: number
  quality?: QualityOptions
  /** Backend description for the README. */
  backend?: string
  /** The command line that re-creates the model, for the README. */
  command?: string
  onStep?: (s: StepInfo) => void
  onCheck?: (step: number, q: FrameQuality) => void
  onQuality?: (q: QualityReport) => void
}

export interface RecreateResult {
  quality: QualityReport
  steps: number
  trainSeconds: number
  losses: number[]
  weightBytes: number
  parameters: number
}

/** Largest difference between two models' image and text embeddings on a few frames and captions. */
export function embeddingDifference(a: ClipModel, b: ClipModel, tokenizer: ClipTokenizer): number {
  const frames = new FrameSampler(EVALUATION_SEED + 2, a.config.vision.imageSize).batch(4)
  const text = tokenizer.call(frames.captions.map((c) => c.text))
  const s = a.config.vision.imageSize
  return tf.tidy(() => {
    const px = tf.tensor4d(frames.pixels, [4, 3, s, s])
    const d = (x: tf.Tensor, y: tf.Tensor): number => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]!
    return Math.max(d(a.encodeImages(px).imageEmbeds, b.encodeImages(px).imageEmbeds), d(a.encodeTexts(text.inputIds, text.attentionMask).textEmbeds, b.encodeTexts(text.inputIds, text.attentionMask).textEmbeds))
  })
}

export async function recreateSynthClip(o: RecreateOptions): Promise<RecreateResult> {
  const { out, checkEvery = 0, quality: qualityOptions, backend = 'tfjs-backend-wasm', command = 'stdd synth pretrain-clip', onStep, onCheck, onQuality, ...pretrain } = o
  let checkFrames: ReturnType<typeof evaluationFrames> | undefined
  let live: { model: ClipModel; tokenizer: ClipTokenizer } | undefined
  const result = await pretrainSynthClip({
    ...pretrain,
    onStep: (s) => {
      onStep?.(s)
      if (checkEvery > 0 && s.step % checkEvery === 0 && s.step < s.steps && live) {
        checkFrames ??= evaluationFrames(EVALUATION_SEED + 1, live.model.config.vision.imageSize, 120)
        onCheck?.(s.step, measureFrameQuality(live.model, live.tokenizer, checkFrames))
      }
    },
    onStart: (r) => (live = { model: new ClipModel(r.config, r.model.weights), tokenizer: r.clipTokenizer }),
  })
  try {
    // A view on the trained variables through the inference code (not disposed: the variables are).
    const model = new ClipModel(result.config, result.model.weights)
    const quality = measureSynthClipQuality(model, result.clipTokenizer, qualityOptions)
    onQuality?.(quality)
    const parameters = model.numParameters()
    const weightBytes = saveSynthClip(out, { config: result.config, tokenizer: result.tokenizer, named: result.model.named, metadata: { 'stdd.model': 'synth-clip', 'stdd.recipe': JSON.stringify(result.recipe) } })
    writeFileSync(
      join(out, 'README.md'),
      synthClipReadme({ config: result.config, recipe: result.recipe, steps: result.steps, trainSeconds: result.seconds, finalLoss: result.losses.at(-1) ?? NaN, parameters, weightBytes, backend, quality, command }),
    )
    const reloaded = ClipModel.fromPretrained(out)
    try {
      const diff = embeddingDifference(model, reloaded, ClipTokenizer.fromFolder(out))
      if (!(diff < 1e-4)) throw new Error(`SynthCLIP: the folder written to ${out} does not reproduce the trained model (embeddings differ by ${diff}); check the disk and rerun`)
    } finally {
      reloaded.dispose()
    }
    return { quality, steps: result.steps, trainSeconds: result.seconds, losses: result.losses, weightBytes, parameters }
  } finally {
    disposeTrainable(result.model)
  }
}
