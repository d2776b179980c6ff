import * as tf from '@tensorflow/tfjs'
import { packedAttention } from '../tf/attention'
import { matMul } from '../tf/matmul'
import { layerNorm } from '../tf/layer_norm'
import { attendProjections, attentionOutput, clipMlp, qkvProjections, type AttentionCall, type ClipEncoderLayerWeights, type ClipEncoderOptions, type LayerResult, type QkvProjections } from '../clip/modeling_clip'
import type { StcaConfig } from './config'
import { fromWindowLayout, toWindowLayout } from './layout'
import type { MaskPlan } from './masking'
import { correctionWeights, mixedProjections, rowStats } from './branch_projections'
import { mixedWidth, mixHeads } from './mixing'
import { maskTokens, maskTokensSideBySide, padTokens, type SelectionPath } from './selection'
import { tidyRecord } from '../tf/tidy'

/**
 * The Space-time Cross Attention block (docs/method.md §1.6–1.8), built on the CLIP encoder layer's own
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
 * - the scales run stacked along the batch, with q|k|v side by side: one selection, one correction
 *   product and one attention call for all of them;
 * - since out_proj is linear, mean_s(u_s + out_proj(a_s)) = mean_s(u_s) + out_proj(mean_s a_s): one
 *   out_proj over the branch instead of one per scale.
 * What is left per scale is the attention over the branch's tokens (docs/method.md §1.9).
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
    const [bt, len, width] = m.shape
    const split = mixedWidth(width, fold)
    // q|k|v side by side [B·T, 1 + N', 3D]: one selection, one correction product, one attention call
    const pm = main ? maskTokensSideBySide([main.q, main.k, main.v], plan, run.selection) : packed(qkvProjections(layerNorm(m, w.layer_norm1, opts.layerNormEps), w.self_attn))
    const mHead = tf.slice(m, [0, 0, 0], [-1, len, split]) as tf.Tensor3D
    const uHeads = mixHeads(m, frames, mode, scales, fold) // every scale at once, [S·B·T, 1 + N', split]
    const p = mixedProjections(pm, rowStats(m), mHead, uHeads, width, correctionWeights(w.self_attn, w.layer_norm1, split), w.layer_norm1.weight, opts.layerNormEps)
    const ctx = meanOverScales(packedAttention(p, opts.numHeads), scales.length, bt)
    const head = meanOverScales(uHeads, scales.length, bt)
    const residual = split < width ? tf.concat([head, tf.slice(m, [0, 0, split], [-1, len, width - split])], 2) : head
    return tf.add(residual, attentionOutput(ctx, w.self_attn)) as tf.Tensor3D
  })
}

function packed(p: QkvProjections): tf.Tensor3D {
  return tf.concat([p.q, p.k, p.v], 2) as tf.Tensor3D
}

/** The mean over the S scales of `t` [S·N, …] (scale-major): [N, …], as one product (1/S, …, 1/S) · t. */
function meanOverScales(t: tf.Tensor3D, scales: number, n: number): tf.Tensor3D {
  if (scales === 1) return t
  const [, len, width] = t.shape
  return tf.tidy(() => matMul(tf.fill([1, scales], 1 / scales) as tf.Tensor2D, t.reshape([scales, n * len * width]) as tf.Tensor2D).reshape([n, len, width]) as tf.Tensor3D)
}

/**
 * One STCA block on window-layout tokens [B·T, 1 + P², D] (a `ClipLayerFn` once the run is bound).
 * `call.probs` returns the main path's attention probabilities, in the same token order.
 */
export function stcaLayer(x: tf.Tensor3D, w: ClipEncoderLayerWeights, opts: ClipEncoderOptions, call: AttentionCall, run: StcaBlockRun): LayerResult {
  return tidyRecord((): LayerResult => {
    const projections = qkvProjections(layerNorm(x, w.layer_norm1, opts.layerNormEps), w.self_attn)
    const a = attendProjections(projections, w.self_attn, call)
    const ybar = stcaBranch(x, w, opts, run, projections)
    const z = tf.add(x, a.out) as tf.Tensor3D
    const padded = padTokens(z, ybar, run.plan, run.stca.cls, run.selection)
    const hidden = tf.add(padded, clipMlp(layerNorm(z, w.layer_norm2, opts.layerNormEps), w.mlp, opts.hiddenAct)) as tf.Tensor3D
    const out: LayerResult = { hidden }
    if (a.probs) out.probs = a.probs
    return out
  })
}

/** One STCA block on tokens in CLIP's row-major order (single blocks, fixtures): into the window layout and back. */
export function stcaLayerClipOrder(x: tf.Tensor3D, w: ClipEncoderLayerWeights, opts: ClipEncoderOptions, call: AttentionCall, run: StcaBlockRun): tf.Tensor3D {
  const g = run.plan.geometry
  return tf.tidy(() => fromWindowLayout(stcaLayer(toWindowLayout(x, g), w, opts, { ...call, probs: 'none' }, run).hidden, g))
}
