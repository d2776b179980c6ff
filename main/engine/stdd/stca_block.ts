import * as tf from '@tensorflow/tfjs'
import { addMany } from '../tf/add_many'
import { scaledDotProductAttention } from '../tf/attention'
import { layerNorm } from '../tf/layer_norm'
import { attendProjections, attentionOutput, clipMlp, qkvProjections, type AttentionCall, type ClipEncoderLayerWeights, type ClipEncoderOptions, type LayerResult, type QkvProjections } from '../clip/modeling_clip'
import type { StcaConfig } from './config'
import { fromWindowLayout, toWindowLayout } from './layout'
import type { MaskPlan } from './masking'
import { correctionWeights, mixedProjections, rowStats } from './branch_projections'
import { mixedWidth, mixHead } from './mixing'
import { maskTokens, padTokens, type SelectionPath } from './selection'

/**
 * The Space-time Cross Attention block (method-spec §1.6–1.8), built on the CLIP encoder layer's own
 * weights and pieces; it adds no parameters.
 *
 *   m     = [CLS; kept patches]  of the block input x            (Window Shift Masking)
 *   y_s   = mix_s(m) + Attn(LN1(mix_s(m)))   for each scale s    (Multi-scale Channel Mixing, Eq. 7)
 *   ȳ     = mean_s y_s
 *   z     = x + Attn(LN1(x))                                      (main path, Eq. 1)
 *   z̃     = z with the kept patches (and CLS, by default) replaced by ȳ's
 *   out   = z̃ + MLP(LN2(z))                                       (Eq. 2: the MLP reads z, not z̃)
 *
 * Tokens are in the window layout (layout.ts), where masking and padding are slices of whole slot
 * blocks (selection.ts). The branch's work is kept small without changing what it computes:
 * - its q/k/v are not projected at full width: m's rows of LN1(x)·Wᵀ + b are the main path's own
 *   (selected like m), and each scale's mixing changes only 2·width/fold channels, whose effect on
 *   LayerNorm and the projections is a small correction product (branch_projections.ts);
 * - since out_proj is linear, mean_s(u_s + out_proj(a_s)) = mean_s(u_s) + out_proj(mean_s a_s): one
 *   out_proj over the branch instead of one per scale.
 * What is left per scale is the attention over the branch's tokens (method-spec §1.9).
 */

export interface StcaBlockRun {
  plan: MaskPlan
  stca: StcaConfig
  /** How masking and padding select tokens (default 'auto'; 'rows' forces the general path, for tests). */
  selection?: SelectionPath
}

/**
 * ȳ [B·T, 1+N', D]: the branch of every scale through the block's LN1 and attention, averaged.
 * `main` are the main path's q/k/v of LN1(x) when already computed (else the branch projects LN1(m)).
 */
export function stcaBranch(x: tf.Tensor3D, w: ClipEncoderLayerWeights, opts: ClipEncoderOptions, run: StcaBlockRun, main?: QkvProjections): tf.Tensor3D {
  const { plan, stca } = run
  const frames = plan.geometry.frames
  const { mode, fold, scales } = stca.mixing
  return tf.tidy(() => {
    const m = maskTokens(x, plan, run.selection)
    const [, len, width] = m.shape
    const split = mixedWidth(width, fold)
    const pm: QkvProjections = main
      ? { q: maskTokens(main.q, plan, run.selection), k: maskTokens(main.k, plan, run.selection), v: maskTokens(main.v, plan, run.selection) }
      : qkvProjections(layerNorm(m, w.layer_norm1, opts.layerNormEps), w.self_attn)
    const stats = rowStats(m)
    const mHead = tf.slice(m, [0, 0, 0], [-1, len, split]) as tf.Tensor3D
    const weights = correctionWeights(w.self_attn, w.layer_norm1, split)
    const heads = scales.map((s) => mixHead(m, frames, mode, s, fold))
    const ctx = heads.map((uHead) => {
      const p = mixedProjections(pm, stats, mHead, uHead, width, weights, w.layer_norm1.weight, opts.layerNormEps)
      return scaledDotProductAttention(p.q, p.k, p.v, { numHeads: opts.numHeads }).out
    })
    const mean = (ts: tf.Tensor3D[]): tf.Tensor3D => (ts.length === 1 ? ts[0]! : (tf.div(addMany(ts), ts.length) as tf.Tensor3D))
    const residual = split < width ? tf.concat([mean(heads), tf.slice(m, [0, 0, split], [-1, len, width - split])], 2) : mean(heads)
    return tf.add(residual, attentionOutput(mean(ctx), w.self_attn)) as tf.Tensor3D
  })
}

/**
 * One STCA block on window-layout tokens [B·T, 1 + P², D] (a `ClipLayerFn` once the run is bound).
 * `call.probs` returns the main path's attention probabilities, in the same token order.
 */
export function stcaLayer(x: tf.Tensor3D, w: ClipEncoderLayerWeights, opts: ClipEncoderOptions, call: AttentionCall, run: StcaBlockRun): LayerResult {
  return tf.tidy(() => {
    const projections = qkvProjections(layerNorm(x, w.layer_norm1, opts.layerNormEps), w.self_attn)
    const a = attendProjections(projections, w.self_attn, call)
    const ybar = stcaBranch(x, w, opts, run, projections)
    const z = tf.add(x, a.out) as tf.Tensor3D
    const padded = padTokens(z, ybar, run.plan, run.stca.cls, run.selection)
    const hidden = tf.add(padded, clipMlp(layerNorm(z, w.layer_norm2, opts.layerNormEps), w.mlp, opts.hiddenAct)) as tf.Tensor3D
    const out: LayerResult = { hidden }
    if (a.probs) out.probs = a.probs
    return out as unknown as tf.TensorContainer
  }) as unknown as LayerResult
}

/** One STCA block on tokens in CLIP's row-major order (single blocks, fixtures): into the window layout and back. */
export function stcaLayerClipOrder(x: tf.Tensor3D, w: ClipEncoderLayerWeights, opts: ClipEncoderOptions, call: AttentionCall, run: StcaBlockRun): tf.Tensor3D {
  const g = run.plan.geometry
  return tf.tidy(() => fromWindowLayout(stcaLayer(toWindowLayout(x, g), w, opts, { ...call, probs: 'none' }, run).hidden, g))
}
