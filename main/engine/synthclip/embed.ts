import * as tf from '@tensorflow/tfjs'
import type { ClipModel } from '../clip/modeling_clip_model'
import type { ClipTokenizer } from '../clip/tokenization_clip'

/**
 * Unit-norm CLIP embeddings as plain arrays, computed through the inference path (`ClipModel`), in
 * chunks: what the quality check compares.
 */

export type Vec = Float32Array

function rows(t: tf.Tensor2D): Vec[] {
  const [n, d] = t.shape
  const data = t.dataSync() as Float32Array
  return Array.from({ length: n }, (_, i) => data.slice(i * d, (i + 1) * d))
}

function unit(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.norm(x, 2, -1, true)))
}

export function dot(a: Vec, b: Vec): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

/** Mean of unit vectors, renormalised (CLIP's prompt ensembling and frame averaging). */
export function meanUnit(vectors: readonly Vec[]): Vec {
  const out = new Float32Array(vectors[0]!.length)
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i]! += v[i]!
  const norm = Math.sqrt(dot(out, out)) || 1
  return out.map((x) => x / norm)
}

/** Unit text embeddings of distinct `texts` (padded to the longest, which with the causal mask changes nothing). */
export function embedTexts(model: ClipModel, tokenizer: ClipTokenizer, texts: readonly string[], chunk = 256): Map<string, Vec> {
  const unique = [...new Set(texts)]
  const out = new Map<string, Vec>()
  for (let i = 0; i < unique.length; i += chunk) {
    const part = unique.slice(i, i + chunk)
    const longest = Math.max(...part.map((t) => tokenizer.encode(t).length))
    const batch = tokenizer.call(part, Math.min(longest, tokenizer.maxLength))
    const embeds = tf.tidy(() => unit(model.encodeTexts(batch.inputIds, batch.attentionMask).textEmbeds))
    try {
      rows(embeds).forEach((v, j) => out.set(part[j]!, v))
    } finally {
      embeds.dispose()
    }
  }
  return out
}

/** Unit image embeddings of `count` normalised frames [count, 3, S, S]. */
export function embedImages(model: ClipModel, pixels: Float32Array, count: number, chunk = 128): Vec[] {
  const s = model.config.vision.imageSize
  const per = 3 * s * s
  if (pixels.length !== count * per) throw new Error(`embedImages: ${pixels.length} values do not make ${count} frames of 3×${s}×${s}`)
  const out: Vec[] = []
  for (let i = 0; i < count; i += chunk) {
    const n = Math.min(chunk, count - i)
    const embeds = tf.tidy(() => {
      const f = model.encodeImages(tf.tensor4d(pixels.subarray(i * per, (i + n) * per), [n, 3, s, s]))
      return unit(f.imageEmbeds)
    })
    try {
      out.push(...rows(embeds))
    } finally {
      embeds.dispose()
    }
  }
  return out
}
