import * as tf from '@tensorflow/tfjs'
import { blasAttention, blasPackedAttention, canUseBlasAttention } from './blas_attention'
import { matMul } from './matmul'
import { tidyRecord } from './tidy'
import { ATTENTION_FORWARD, fitsWgslAttention, wgslAttention } from './webgpu/attention'
import { usesWebgpuKernel } from './webgpu/install'

/** What to return of the softmax probabilities: nothing, the mean over heads, or every head. */
export type AttentionProbs = 'none' | 'mean' | 'heads'

export interface SdpaOptions {
  numHeads: number
  /**
   * Additive mask added to the scores before the softmax (0 = attend, a large negative value =
   * don't), broadcastable to [batch, heads, queries, keys]: e.g. [1, 1, L, L] causal or
   * [batch, 1, 1, L] padding.
   */
  mask?: tf.Tensor | undefined
  /** Default 'none'. */
  probs?: AttentionProbs | undefined
}

export interface SdpaResult {
  /** [batch, queries, width] */
  out: tf.Tensor3D
  /** [batch, heads, queries, keys] for 'heads', [batch, queries, keys] for 'mean'; absent for 'none'. */
  probs?: tf.Tensor
}

/** [B, L, H·Dh] → [B·H, L, Dh] */
function splitHeads(x: tf.Tensor3D, heads: number): tf.Tensor3D {
  const [b, l, d] = x.shape
  return x.reshape([b, l, heads, d / heads]).transpose([0, 2, 1, 3]).reshape([b * heads, l, d / heads])
}

/**
 * Multi-head scaled dot-product attention, softmax((q·kᵀ)/√Dh + mask)·v per head, on already projected
 * `q` [B, Lq, D], `k` and `v` [B, Lk, D]; heads are contiguous slices of D (PyTorch / HF layout).
 * Products go through {@link matMul} (fast forward and backward on every backend); on the BLAS
 * provider, without a mask, the whole attention is one native call (blas_attention.ts), and on WebGPU
 * one fused kernel (webgpu/attention.ts); their probabilities are an observation with no gradient. Differentiable with respect to q, k and v.
 */
export function scaledDotProductAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, opts: SdpaOptions): SdpaResult {
  const [b, lq, d] = q.shape
  const lk = k.shape[1]
  const h = opts.numHeads
  if (d % h !== 0) throw new Error(`attention: width ${d} is not divisible by ${h} heads`)
  if (k.shape[0] !== b || v.shape[0] !== b || k.shape[2] !== d || v.shape[2] !== d || v.shape[1] !== lk) {
    throw new Error(`attention: q [${q.shape}], k [${k.shape}] and v [${v.shape}] do not fit (expected k and v [${b}, keys, ${d}])`)
  }
  const want = opts.probs ?? 'none'
  if (!opts.mask && [q, k, v].every((t) => t.dtype === 'float32')) {
    if (canUseBlasAttention()) return fusedAttention(blasAttention(q, k, v, h), q, k, h, want)
    if (canUseWgslAttention(lk, d / h)) return fusedAttention(wgslAttention(['q', 'k', 'v'], [q, k, v], h), q, k, h, want)
  }
  const result = tidyRecord((): SdpaResult => {
    const qh = tf.mul(splitHeads(q, h), 1 / Math.sqrt(d / h)) as tf.Tensor3D
    let scores: tf.Tensor = matMul(qh, splitHeads(k, h), false, true) // [B·H, Lq, Lk]
    if (opts.mask) scores = tf.add(scores.reshape([b, h, lq, lk]), opts.mask).reshape([b * h, lq, lk])
    const probs = tf.softmax(scores, -1) as tf.Tensor3D
    const ctx = matMul(probs, splitHeads(v, h)) // [B·H, Lq, Dh]
    const out = ctx.reshape([b, h, lq, d / h]).transpose([0, 2, 1, 3]).reshape([b, lq, d]) as tf.Tensor3D
    const p4 = probs.reshape([b, h, lq, lk])
    const kept: SdpaResult = { out }
    if (want === 'heads') kept.probs = p4
    else if (want === 'mean') kept.probs = tf.mean(p4, 1)
    return kept
  })
  return result
}

/** Whether the engine's WGSL attention (webgpu/attention.ts) runs here and fits these keys and head width. */
function canUseWgslAttention(keys: number, headWidth: number): boolean {
  return usesWebgpuKernel(ATTENTION_FORWARD) && fitsWgslAttention(keys, headWidth)
}

/** A fused attention's result (BLAS or WGSL), with the probabilities asked for (which carry no gradient there). */
function fusedAttention({ out, probs }: { out: tf.Tensor3D; probs: tf.Tensor3D }, q: tf.Tensor3D, k: tf.Tensor3D, heads: number, want: AttentionProbs): SdpaResult {
  if (want === 'none') {
    probs.dispose()
    return { out }
  }
  const [b, lq] = q.shape
  const p4 = tf.tidy(() => (want === 'heads' ? probs.reshape([b, heads, lq, k.shape[1]]) : tf.mean(probs.reshape([b, heads, lq, k.shape[1]]), 1)))
  probs.dispose()
  return { out, probs: p4 }
}

/**
 * Self-attention of q, k and v packed side by side in `qkv` [B, L, 3D] (no mask, no probabilities):
 * [B, L, D]. One native call on the BLAS provider; elsewhere the three are sliced out first.
 */
export function packedAttention(qkv: tf.Tensor3D, numHeads: number): tf.Tensor3D {
  const d = qkv.shape[2] / 3
  if (!Number.isInteger(d) || d % numHeads !== 0) throw new Error(`attention: packed q|k|v width ${qkv.shape[2]} is not 3 × a multiple of ${numHeads} heads`)
  if (qkv.dtype === 'float32' && (canUseBlasAttention() || canUseWgslAttention(qkv.shape[1], d / numHeads))) {
    const { out, probs } = canUseBlasAttention() ? blasPackedAttention(qkv, numHeads) : wgslAttention(['qkv'], [qkv], numHeads)
    probs.dispose()
    return out
  }
  return tf.tidy(() => {
    const [q, k, v] = [0, 1, 2].map((i) => tf.slice(qkv, [0, 0, i * d], [-1, -1, d]) as tf.Tensor3D) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D]
    return scaledDotProductAttention(q, k, v, { numHeads }).out
  })
}

/** Additive causal mask [1, 1, L, L]: 0 on and below the diagonal, `-1e9` above (CLIP text tower). */
export function causalMask(length: number): tf.Tensor4D {
  const values = new Float32Array(length * length)
  for (let i = 0; i < length; i++) for (let j = i + 1; j < length; j++) values[i * length + j] = -1e9
  return tf.tensor4d(values, [1, 1, length, length])
}

/** Additive padding mask [B, 1, 1, L] from a 0/1 attention mask [B, L] (keys with 0 are ignored). */
export function paddingMask(attentionMask: number[][]): tf.Tensor4D {
  const b = attentionMask.length
  const l = attentionMask[0]?.length ?? 0
  const values = new Float32Array(b * l)
  attentionMask.forEach((row, i) => row.forEach((m, j) => (values[i * l + j] = m ? 0 : -1e9)))
  return tf.tensor4d(values, [b, 1, 1, l])
}
