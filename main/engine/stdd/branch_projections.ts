import * as tf from '@tensorflow/tfjs'
import { deviceScalar } from '../tf/device_scalar'
import type { ClipAttentionWeights } from '../clip/modeling_clip'
import type { LayerNormWeights } from '../tf/layer_norm'
import { linear, type LinearWeights } from '../tf/linear'
import { rowScaledProduct } from '../tf/row_scaled_product'

/**
 * The q/k/v projections of the mixing scales' branch tokens, `LN1(u)·Wᵀ + b`, derived from those of
 * the unmixed branch tokens m instead of recomputed at full width.
 *
 * Mixing changes only the first `split` channels (δ = u − m is zero from `split` on, mixing.ts), so
 * with LayerNorm's row statistics μ and σ = √(var + eps) and its γ, β:
 *
 *   LN(u)·Wᵀ + b = a ⊙ P_m + (1/σ_u)·(δ ⊙ γ)·W[:, :split]ᵀ + e ⊙ (γ·Wᵀ) + (1 − a) ⊙ (β·Wᵀ + b)
 *   with P_m = LN(m)·Wᵀ + b,  a = σ_m / σ_u,  e = (μ_m − μ_u) / σ_u   (per row)
 *
 * and μ_u, var_u follow from m's statistics and the `split` changed channels alone. The last three
 * terms are one product of [δ⊙γ/σ_u, e, 1 − a] with [W[:, :split], γ·Wᵀ, β·Wᵀ + b]: for every scale
 * and q, k, v at once one [S·N, split + 2] × [split + 2, 3D] product instead of three [N, D] × [D, D]
 * per scale (a 16th of the work for B/16's split of 48). The main path has already computed P_m for
 * every token, so the branch needs no full-width projection at all (stca_block.ts). Exact algebra:
 * the results equal the direct computation up to float rounding (tested), and gradients flow
 * through every term.
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

/**
 * The weights of the correction product, [W[:, :split], γ·Wᵀ, β·Wᵀ + b] of q, k and v stacked:
 * one [3·out, split + 2] linear (once per block), whose output is q|k|v side by side.
 */
export function correctionWeights(attn: ClipAttentionWeights, ln: LayerNormWeights, split: number): LinearWeights {
  const one = (p: LinearWeights): tf.Tensor =>
    tf.tidy(() => {
      const w = p.weight as tf.Tensor2D
      const gain = linear(ln.weight.reshape([1, -1]) as tf.Tensor2D, { weight: w })
      const shift = linear(ln.bias.reshape([1, -1]) as tf.Tensor2D, p)
      return tf.concat([tf.slice(w, [0, 0], [-1, split]), tf.transpose(gain), tf.transpose(shift)], 1)
    })
  return { weight: tf.tidy(() => tf.concat([attn.q_proj, attn.k_proj, attn.v_proj].map(one), 0)) }
}

/**
 * The projections q|k|v (side by side, [S·N, len, 3·width]) of the mixed tokens
 * u = [uHead, m[…, split:]] at S scales at once, given m's projections `pm` [N, len, 3·width] (q|k|v
 * side by side) and statistics `sm` [N, len, 1]; `mHead` [N, len, split] and `uHeads`
 * [S·N, len, split] (scale-major) are the first `split` channels of m and of each scale's u, `width`
 * the token width, `gamma` LN1's weight and `eps` its epsilon.
 */
export function mixedProjections(pm: tf.Tensor3D, sm: RowStats, mHead: tf.Tensor3D, uHeads: tf.Tensor3D, width: number, weights: LinearWeights, gamma: tf.Tensor, eps: number): tf.Tensor3D {
  const [n, len, packed] = pm.shape
  const split = mHead.shape[2]
  const scales = uHeads.shape[0] / n
  if (!Number.isInteger(scales) || uHeads.shape[1] !== len || uHeads.shape[2] !== split) {
    throw new Error(`mixedProjections: uHeads [${uHeads.shape}] are not whole scales of [${n}, ${len}, ${split}]`)
  }
  const rows = n * len
  return tf.tidy(() => {
    // Everything per row broadcasts over the scales: [S, rows, ·] against m's [1, rows, ·].
    const mean = sm.mean.reshape([1, rows, 1])
    const variance = sm.variance.reshape([1, rows, 1])
    const mh = mHead.reshape([1, rows, split])
    const uh = uHeads.reshape([scales, rows, split])
    const delta = tf.sub(uh, mh)
    const [c2, w, e] = [deviceScalar(2), deviceScalar(width), deviceScalar(eps)]
    const meanU = tf.add(mean, tf.div(tf.sum(delta, -1, true), w))
    const meanShift = tf.sub(mean, meanU)
    const cross = tf.sum(tf.mul(delta, tf.sub(tf.add(uh, mh), tf.mul(meanU, c2))), -1, true)
    const varianceU = tf.add(tf.add(variance, tf.square(meanShift)), tf.div(cross, w))
    const invSigmaU = tf.rsqrt(tf.add(varianceU, e))
    const a = tf.mul(tf.sqrt(tf.add(variance, e)), invSigmaU)
    const features = tf.concat([tf.mul(tf.mul(delta, tf.slice(gamma, [0], [split])), invSigmaU), tf.mul(meanShift, invSigmaU), tf.sub(deviceScalar(1), a)], -1)
    const k = split + 2
    return rowScaledProduct(a.reshape([scales * rows, 1]), pm.reshape([rows, packed]), features.reshape([scales * rows, k]), weights.weight as tf.Tensor2D).reshape([scales * n, len, packed]) as tf.Tensor3D
  })
}
