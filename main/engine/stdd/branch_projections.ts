import * as tf from '@tensorflow/tfjs'
import type { ClipAttentionWeights, QkvProjections } from '../clip/modeling_clip'
import type { LayerNormWeights } from '../tf/layer_norm'
import { linear, type LinearWeights } from '../tf/linear'

/**
 * The q/k/v projections of one mixing scale's branch tokens, `LN1(u)·Wᵀ + b`, derived from those of
 * the unmixed branch tokens m instead of recomputed at full width.
 *
 * Mixing changes only the first `split` channels (δ = u − m is zero from `split` on, mixing.ts), so
 * with LayerNorm's row statistics μ and σ = √(var + eps) and its γ, β:
 *
 *   LN(u)·Wᵀ + b = a ⊙ P_m + (1/σ_u)·(δ ⊙ γ)·W[:, :split]ᵀ + e ⊙ (γ·Wᵀ) + (1 − a) ⊙ (β·Wᵀ + b)
 *   with P_m = LN(m)·Wᵀ + b,  a = σ_m / σ_u,  e = (μ_m − μ_u) / σ_u   (per row)
 *
 * and μ_u, var_u follow from m's statistics and the `split` changed channels alone. The last three
 * terms are one product of [δ⊙γ/σ_u, e, 1 − a] with [W[:, :split], γ·Wᵀ, β·Wᵀ + b]: per scale and
 * projection an [N, split + 2] × [split + 2, D] product instead of [N, D] × [D, D] (a 16th of the
 * work for B/16's split of 48). The main path has already computed P_m for every token, so the
 * branch needs no full-width projection at all (stca_block.ts). Exact algebra: the results equal the
 * direct computation up to float rounding (tested), and gradients flow through every term.
 */

/** LayerNorm's per-row mean and biased variance over the last axis (two passes, as `layerNorm`). */
export interface RowStats {
  mean: tf.Tensor3D
  variance: tf.Tensor3D
}

export function rowStats(x: tf.Tensor3D): RowStats {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true) as tf.Tensor3D
    const variance = tf.mean(tf.square(tf.sub(x, mean)), -1, true) as tf.Tensor3D
    return { mean, variance }
  })
}

/** The weights of the correction products, [W[:, :split], γ·Wᵀ, β·Wᵀ + b] as [out, split + 2] linears (once per block). */
export function correctionWeights(attn: ClipAttentionWeights, ln: LayerNormWeights, split: number): { q: LinearWeights; k: LinearWeights; v: LinearWeights } {
  const one = (p: LinearWeights): LinearWeights =>
    tf.tidy(() => {
      const w = p.weight as tf.Tensor2D
      const gain = linear(ln.weight.reshape([1, -1]) as tf.Tensor2D, { weight: w })
      const shift = linear(ln.bias.reshape([1, -1]) as tf.Tensor2D, p)
      return { weight: tf.concat([tf.slice(w, [0, 0], [-1, split]), tf.transpose(gain), tf.transpose(shift)], 1) }
    })
  return { q: one(attn.q_proj), k: one(attn.k_proj), v: one(attn.v_proj) }
}

/**
 * The projections of the mixed tokens u = [uHead, m[…, split:]] given m's projections `pm` and
 * statistics `sm` (all [B·T, len, ·]); `mHead` and `uHead` are the first `split` channels of m and
 * u, `width` the full width, `gamma` LN1's weight and `eps` its epsilon.
 */
export function mixedProjections(pm: QkvProjections, sm: RowStats, mHead: tf.Tensor3D, uHead: tf.Tensor3D, width: number, weights: ReturnType<typeof correctionWeights>, gamma: tf.Tensor, eps: number): QkvProjections {
  const split = mHead.shape[2]
  return tf.tidy(() => {
    const delta = tf.sub(uHead, mHead)
    const meanU = tf.add(sm.mean, tf.div(tf.sum(delta, -1, true), width))
    const meanShift = tf.sub(sm.mean, meanU)
    const cross = tf.sum(tf.mul(delta, tf.sub(tf.add(uHead, mHead), tf.mul(meanU, 2))), -1, true)
    const varianceU = tf.add(tf.add(sm.variance, tf.square(meanShift)), tf.div(cross, width))
    const invSigmaU = tf.rsqrt(tf.add(varianceU, eps))
    const a = tf.mul(tf.sqrt(tf.add(sm.variance, eps)), invSigmaU)
    const features = tf.concat([tf.mul(tf.mul(delta, tf.slice(gamma, [0], [split])), invSigmaU), tf.mul(meanShift, invSigmaU), tf.sub(1, a)], -1) as tf.Tensor3D
    const project = (p: tf.Tensor3D, w: LinearWeights): tf.Tensor3D => tf.add(tf.mul(a, p), linear(features, w)) as tf.Tensor3D
    return { q: project(pm.q, weights.q), k: project(pm.k, weights.k), v: project(pm.v, weights.v) }
  })
}
