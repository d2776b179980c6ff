import * as tf from '@tensorflow/tfjs'
import { scaledDotProductAttention } from '../tf/attention'
import { layerNorm } from '../tf/layer_norm'
import { linear } from '../tf/linear'
import { attentionOutput, clipAttention, clipMlp, type AttentionCall, type ClipEncoderLayerWeights, type ClipEncoderOptions, type LayerResult } from '../clip/modeling_clip'
import type { StcaConfig } from './config'
import { fromWindowLayout, toWindowLayout } from './layout'
import type { MaskPlan } from './masking'
import { mixChannels } from './mixing'
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
 * blocks (selection.ts). All scales go through the same `ln_1` and q/k/v projections as the main path
 * in one product each, then attend per scale within their frames; since out_proj is linear,
 * mean_s(m_s + out_proj(a_s)) is computed as mean_s(m_s) + out_proj(mean_s a_s): one out_proj over
 * the branch instead of S.
 */

export interface StcaBlockRun {
  plan: MaskPlan
  stca: StcaConfig
  /** How masking and padding select tokens (default 'auto'; 'rows' forces the general path, for tests). */
  selection?: SelectionPath
}

/** ȳ [B·T, 1+N', D]: the branch of every scale through the block's LN1 and attention, averaged. */
export function stcaBranch(x: tf.Tensor3D, w: ClipEncoderLayerWeights, opts: ClipEncoderOptions, run: StcaBlockRun): tf.Tensor3D {
  const { plan, stca } = run
  const frames = plan.geometry.frames
  const scales = stca.mixing.scales
  return tf.tidy(() => {
    const m = maskTokens(x, plan, run.selection)
    const [bt, len, width] = m.shape
    const n = scales.length
    const mixed = scales.map((s) => mixChannels(m, frames, stca.mixing.mode, s, stca.mixing.fold))
    // all scales through LN1 and the q/k/v projections together (larger products), attention per scale
    const h = layerNorm((n === 1 ? mixed[0]! : tf.concat(mixed, 0)) as tf.Tensor3D, w.layer_norm1, opts.layerNormEps)
    const [q, k, v] = [w.self_attn.q_proj, w.self_attn.k_proj, w.self_attn.v_proj].map((p) => linear(h, p))
    const part = (t: tf.Tensor3D, i: number): tf.Tensor3D => (n === 1 ? t : (tf.slice(t, [i * bt, 0, 0], [bt, len, width]) as tf.Tensor3D))
    const ctx = scales.map((_, i) => scaledDotProductAttention(part(q!, i), part(k!, i), part(v!, i), { numHeads: opts.numHeads }).out)
    const mean = (ts: tf.Tensor3D[]): tf.Tensor3D => (ts.length === 1 ? ts[0]! : (tf.div(tf.addN(ts), ts.length) as tf.Tensor3D))
    return tf.add(mean(mixed), attentionOutput(mean(ctx), w.self_attn)) as tf.Tensor3D
  })
}

/**
 * One STCA block on window-layout tokens [B·T, 1 + P², D] (a `ClipLayerFn` once the run is bound).
 * `call.probs` returns the main path's attention probabilities, in the same token order.
 */
export function stcaLayer(x: tf.Tensor3D, w: ClipEncoderLayerWeights, opts: ClipEncoderOptions, call: AttentionCall, run: StcaBlockRun): LayerResult {
  return tf.tidy(() => {
    const ybar = stcaBranch(x, w, opts, run)
    const a = clipAttention(layerNorm(x, w.layer_norm1, opts.layerNormEps), w.self_attn, call)
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
