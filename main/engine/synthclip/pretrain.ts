import * as tf from '@tensorflow/tfjs'
import { Tokenizer } from '@huggingface/tokenizers'
import type { ClipConfig } from '../clip/configuration_clip'
import { ClipTokenizer } from '../clip/tokenization_clip'
import { AdamW } from '../optim/adamw'
import { LOGIT_SCALE_INIT, SYNTH_CLIP_SIZE, synthClipConfig, type SynthClipSize } from './config'
import { FrameSampler, KEYFRAME_FRACTION, type CompositionPool } from './frames'
import { disposeTrainable, initTrainableClip, type TrainableClip } from './init'
import { trimPadding } from './text_train'
import { buildSynthTokenizer, tokenizerConfigJson, tokenizerJson, type SynthTokenizer } from './tokenizer_files'
import { contrastiveStep } from './train_step'
import { cutPatches } from './vision_train'

/**
 * SynthCLIP's contrastive pretraining: both towers from scratch on (single frame, static caption)
 * pairs of SynthMotion, CLIP's symmetric InfoNCE with a learnable temperature, AdamW with linear
 * warm-up and cosine decay, gradient clipping. Everything (tokenizer, initial weights, frames) is
 * derived from the seed, so a run is reproducible on the same backend.
 */

export interface PretrainOptions {
  steps?: number
  batchSize?: number
  seed?: number
  /** Frame side in pixels; patches are a quarter of it (a 4×4 grid of patches) unless `architecture` says otherwise. Default 64. */
  imageSize?: number
  /** Overrides of the architecture (patch size, width, layers, heads, projection). */
  architecture?: Partial<Omit<SynthClipSize, 'imageSize'>>
  lr?: number
  /** Default 10 % of the steps. */
  warmupSteps?: number
  weightDecay?: number
  compositions?: CompositionPool
  /** Initial inverse temperature exp(logit_scale) (CLIP: 1/0.07 ≈ 14.3). */
  temperatureInverse?: number
  /** Fraction of each batch drawn as groups of hard negatives (captions differing in one word). Default 0.5. */
  hardFraction?: number
  /** Fraction of frames (and hard-negative groups) that are keyframes captioned with their motion (frames.ts). Default 0.3. */
  keyframes?: number
  /** Called after every step (awaited: a periodic quality check may run there). */
  onStep?: (s: StepInfo) => void | Promise<void>
  /** Called once the model exists, before the first step (e.g. to wrap its variables for checks). */
  onStart?: (r: Pick<PretrainResult, 'config' | 'model' | 'clipTokenizer'>) => void
  /** Checked before every step: stop early (the weights so far are returned). */
  shouldStop?: () => boolean
}

export interface StepInfo {
  step: number
  steps: number
  loss: number
  lr: number
  /** exp(logit_scale), the inverse temperature. */
  temperatureInverse: number
  gradNorm: number
  seconds: number
}

export interface PretrainResult {
  tokenizer: SynthTokenizer
  /** The tokenizer as `ClipTokenizer` (the same files the folder gets). */
  clipTokenizer: ClipTokenizer
  config: ClipConfig
  model: TrainableClip
  /** Mean loss of each step. */
  losses: number[]
  steps: number
  seconds: number
  recipe: Required<Omit<PretrainOptions, 'onStep' | 'onStart' | 'shouldStop' | 'architecture'>>
}

export const PRETRAIN_DEFAULTS = { steps: 700, batchSize: 128, seed: 0, imageSize: 64, lr: 2e-3, weightDecay: 0.1, compositions: 'grid' as CompositionPool, hardFraction: 0.5, keyframes: KEYFRAME_FRACTION, temperatureInverse: Math.exp(LOGIT_SCALE_INIT) }

/** AdamW with CLIP's (open_clip's) decay rule: no decay on gains, biases and the logit scale (rank < 2). */
class ClipAdamW extends AdamW {
  override decayOf(v: tf.Variable): number {
    return v.rank < 2 ? 0 : super.decayOf(v)
  }
}

/** Linear warm-up to `peak`, then cosine to 0. `step` counts from 0. */
export function learningRate(step: number, steps: number, warmup: number, peak: number): number {
  if (step < warmup) return (peak * (step + 1)) / warmup
  const progress = (step - warmup) / Math.max(1, steps - warmup)
  return 0.5 * peak * (1 + Math.cos(Math.PI * Math.min(1, progress)))
}

export function clipTokenizerOf(tok: SynthTokenizer): ClipTokenizer {
  const config = tokenizerConfigJson(tok)
  return new ClipTokenizer(new Tokenizer(tokenizerJson(tok), config), config)
}

export async function pretrainSynthClip(options: PretrainOptions = {}): Promise<PretrainResult> {
  const o = { ...PRETRAIN_DEFAULTS, ...options }
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new Error(`SynthCLIP pretraining: steps must be a positive integer (got ${o.steps})`)
  if (!Number.isInteger(o.imageSize) || o.imageSize % 4 || o.imageSize < 16) throw new Error(`SynthCLIP pretraining: the image size must be a multiple of 4, at least 16 (got ${o.imageSize})`)
  const warmup = options.warmupSteps ?? Math.max(1, Math.round(o.steps / 10))
  const tokenizer = buildSynthTokenizer()
  const clipTokenizer = clipTokenizerOf(tokenizer)
  const config = synthClipConfig(tokenizer, { ...SYNTH_CLIP_SIZE, patchSize: o.imageSize / 4, ...options.architecture, imageSize: o.imageSize })
  if (!(o.temperatureInverse >= 1 && o.temperatureInverse <= 100)) throw new Error(`SynthCLIP pretraining: the initial inverse temperature must be in 1…100 (got ${o.temperatureInverse})`)
  config.logitScaleInitValue = Math.log(o.temperatureInverse)
  const model = initTrainableClip(config, o.seed)
  const vars = model.named.map(([, v]) => v)
  const optimizer = new ClipAdamW({ lr: o.lr, weightDecay: o.weightDecay, clipNorm: 1 })
  if (!(o.keyframes >= 0 && o.keyframes <= 1)) throw new Error(`SynthCLIP pretraining: the keyframe fraction must be in 0…1 (got ${o.keyframes})`)
  const sampler = new FrameSampler(o.seed, o.imageSize, o.compositions, o.keyframes)
  const losses: number[] = []
  const t0 = performance.now()
  try {
    options.onStart?.({ config, model, clipTokenizer })
    for (let step = 0; step < o.steps; step++) {
      if (options.shouldStop?.()) break
      optimizer.lr = learningRate(step, o.steps, warmup, o.lr)
      const frames = sampler.batch(o.batchSize, o.hardFraction)
      const text = trimPadding(clipTokenizer.call(frames.captions.map((c) => c.text)))
      const patches = cutPatches(frames.pixels, o.batchSize, 3, o.imageSize, config.vision.patchSize)
      const r = await contrastiveStep(model.weights, config, vars, optimizer, { patches, ...text })
      losses.push(r.loss)
      const temperatureInverse = Math.exp((await (model.weights.logit_scale as tf.Variable).data())[0]!)
      await options.onStep?.({ step: step + 1, steps: o.steps, loss: r.loss, lr: optimizer.lr, temperatureInverse, gradNorm: r.gradNorm, seconds: (performance.now() - t0) / 1000 })
      await new Promise((done) => setImmediate(done)) // let signals (Ctrl-C) and progress output through
    }
  } catch (err) {
    disposeTrainable(model)
    throw err
  } finally {
    optimizer.dispose()
  }
  const { onStep: _a, onStart: _c, shouldStop: _b, architecture: _d, ...recipe } = { ...o, warmupSteps: warmup }
  return { tokenizer, clipTokenizer, config, model, losses, steps: losses.length, seconds: (performance.now() - t0) / 1000, recipe }
}
