import * as tf from '@tensorflow/tfjs'
import { clipEncoderLayer, type AttentionCall, type ClipEncoderLayerWeights, type ClipEncoderOptions, type ClipLayerFn, type LayerResult } from '../clip/modeling_clip'
import { clipEncoder } from '../clip/modeling_clip'
import { clipVisionEmbeddings, clipVisionTransformer, visionEncoderOptions } from '../clip/modeling_clip_vision'
import { activation } from '../tf/activations'
import { layerNorm } from '../tf/layer_norm'
import { linear } from '../tf/linear'
import { patchesFromWindowLayout, toWindowLayout } from './layout'
import type { StddLayerWeights, StddVideoModel, TeacherWeights } from './model'
import { isStcaLayer } from './config'
import { planMasks, type MaskPlan } from './masking'
import { seededRng, type Rng } from '../util/random'
import { stcaBranch, stcaLayer } from './stca_block'
import { stopGradient } from './stop_gradient'
import { tidyRecord } from '../tf/tidy'

/**
 * The STDD video model's forward pass (docs/method.md §0): a clip [B, T, C, H, W] goes frame-major
 * (frame b·T + t) through CLIP's vision tower with STCA in the chosen blocks, giving one projected
 * embedding per frame (no temporal pooling). Every STCA block draws its own mask plan: in training
 * from `rng`, at eval from a generator seeded with `masking.evalSeed` (deterministic).
 */

export interface ForwardOptions {
  training: boolean
  /** Training randomness (mask phases, temporal shuffles); ignored at eval. */
  rng?: Rng
  /** Activation recomputation per block (training memory); no attention capture then. */
  recompute?: boolean
  /** Return the last block's class-token attention over the patches, from the same pass. */
  captureAttention?: boolean
}

export interface ForwardResult {
  /** visual_projection(post_layernorm(CLS)) per frame, not normalised: [B, T, P]. */
  frameEmbeds: tf.Tensor3D
  /** Class token → patches attention of the last block, averaged over heads: [B, T, grid²]. */
  clsAttention?: tf.Tensor3D
}

/** The mask plan of every encoder layer for this forward (null for plain layers). */
export function planLayers(model: StddVideoModel, batch: number, frames: number, training: boolean, rng?: Rng): (MaskPlan | null)[] {
  const { stca } = model.config
  const grid = model.vision.imageSize / model.vision.patchSize
  const source = training ? (rng ?? seededRng(0)) : seededRng(stca.masking.evalSeed)
  const geometry = { grid, window: stca.masking.window, frames }
  return Array.from({ length: model.vision.numHiddenLayers }, (_, i) =>
    isStcaLayer(stca, i) ? planMasks({ batch, geometry, masking: stca.masking, training, rng: source }) : null,
  )
}

/** Drops tokens [from, from + count) along axis 1 (and axis 2 for probabilities [.., L, L]). */
function dropTokens(x: tf.Tensor, from: number, count: number, axes: number[]): tf.Tensor {
  let out = x
  for (const axis of axes) {
    const len = out.shape[axis]!
    const keep = [tf.slice(out, Array(out.rank).fill(0), out.shape.map((d, i) => (i === axis ? from : d)))]
    const begin = Array(out.rank).fill(0)
    begin[axis] = from + count
    keep.push(tf.slice(out, begin, out.shape.map((d, i) => (i === axis ? len - from - count : d))))
    out = tf.concat(keep, axis)
  }
  return out
}

/** A prompt-mode block: the frozen layer over [CLS; prompts(ȳ_cls); patches], prompts dropped after it. */
function promptLayer(x: tf.Tensor3D, w: StddLayerWeights, opts: ClipEncoderOptions, call: AttentionCall, plan: MaskPlan, model: StddVideoModel): LayerResult {
  const mlp = w.prompt_mlp!
  const k = model.config.adaptation.promptTokens
  return tidyRecord((): LayerResult => {
    const [bt, len, d] = x.shape
    const ybar = stcaBranch(x, w, opts, { plan, stca: model.config.stca })
    const cls = tf.slice(ybar, [0, 0, 0], [bt, 1, d]).reshape([bt, d])
    const prompts = linear(activation(linear(cls, mlp.fc1), 'quick_gelu'), mlp.fc2).reshape([bt, k, d])
    const input = tf.concat([tf.slice(x, [0, 0, 0], [bt, 1, d]), prompts, tf.slice(x, [0, 1, 0], [bt, len - 1, d])], 1) as tf.Tensor3D
    const r = clipEncoderLayer(input, w, opts, call)
    const out: LayerResult = { hidden: dropTokens(r.hidden, 1, k, [1]) as tf.Tensor3D }
    if (r.probs) out.probs = dropTokens(r.probs, 1, k, r.probs.rank === 4 ? [2, 3] : [1, 2])
    return out
  })
}

/** The layer function for this forward: STCA, prompt-mode STCA or plain, by layer index. */
export function stddLayerFn(model: StddVideoModel, plans: (MaskPlan | null)[]): ClipLayerFn<ClipEncoderLayerWeights> {
  return (x, w, opts, call) => {
    const plan = plans[call.layerIndex]
    if (!plan) return clipEncoderLayer(x, w, opts, call)
    const sw = w as StddLayerWeights
    if (sw.prompt_mlp) return promptLayer(x, sw, opts, call, plan, model)
    return stcaLayer(x, w, opts, call, { plan, stca: model.config.stca })
  }
}

function clipsToFrames(clips: tf.Tensor5D): tf.Tensor4D {
  const [b, t, c, h, w] = clips.shape
  return clips.reshape([b * t, c, h, w])
}

/**
 * Per-frame embeddings of a batch of clips [B, T, C, H, W] (normalised pixels): CLIP's embeddings and
 * pre-LayerNorm, the tokens permuted once into the window layout (layout.ts; attention does not
 * depend on token order), the encoder with STCA blocks, post-LayerNorm of CLS, projection.
 */
export function stddForward(model: StddVideoModel, clips: tf.Tensor5D, opts: ForwardOptions): ForwardResult {
  const [b, t] = clips.shape
  if (opts.recompute && opts.captureAttention) throw new Error('stddForward: attention capture needs a pass without recompute (an inference pass)')
  const plans = planLayers(model, b, t, opts.training, opts.rng)
  const w = model.weights.vision_model
  const cfg = model.vision
  const geometry = { grid: cfg.imageSize / cfg.patchSize, window: model.config.stca.masking.window, frames: t }
  return tidyRecord((): ForwardResult => {
    const embedded = layerNorm(clipVisionEmbeddings(clipsToFrames(clips), w.embeddings, cfg), w.pre_layrnorm, cfg.layerNormEps)
    const enc = clipEncoder(toWindowLayout(embedded, geometry), w.encoder.layers, visionEncoderOptions(cfg), {
      layer: stddLayerFn(model, plans),
      recompute: opts.recompute ?? false,
      attentionProbs: opts.captureAttention ? 'mean' : 'none',
    })
    const d = cfg.hiddenSize
    const pooled = layerNorm(tf.slice(enc.lastHiddenState, [0, 0, 0], [-1, 1, d]).reshape([-1, d]), w.post_layernorm, cfg.layerNormEps)
    const p = model.weights.visual_projection.weight.shape[0]!
    const out: ForwardResult = { frameEmbeds: linear(pooled, model.weights.visual_projection).reshape([b, t, p]) }
    if (opts.captureAttention && enc.lastAttention) {
      const n = enc.lastAttention.shape[2]! - 1
      const clsRow = tf.slice(enc.lastAttention, [0, 0, 1], [-1, 1, n]).reshape([b * t, n, 1]) as tf.Tensor3D
      out.clsAttention = patchesFromWindowLayout(clsRow, geometry).reshape([b, t, n]) as tf.Tensor3D
    }
    return out
  })
}

/** The frozen plain-CLIP teacher's per-frame embeddings [B, T, P] (no gradient). */
export function teacherForward(teacher: TeacherWeights, model: StddVideoModel, clips: tf.Tensor5D): tf.Tensor3D {
  const [b, t] = clips.shape
  return tf.tidy(() => {
    const v = clipVisionTransformer(clipsToFrames(clips), teacher.vision_model, model.vision)
    const p = teacher.visual_projection.weight.shape[0]!
    return stopGradient(linear(v.pooled, teacher.visual_projection).reshape([b, t, p])) as tf.Tensor3D
  })
}
