import * as tf from '@tensorflow/tfjs'
import { deviceScalar } from '../tf/device_scalar'
import { customOp } from '../tf/custom_grad'
import { linear } from '../tf/linear'
import type { AlignmentLevel, AlignmentMode } from './config'
import { tidyRecord } from '../tf/tidy'

/**
 * Alignment scores between a clip's frames and each class's prompts (docs/method.md §4.1, paper Eq. 8).
 *
 * With v̂[b,t] and ĉ[k,n] L2-normalised and λ = exp(logit_scale):
 *   sim[b,t,k,n] = λ·⟨v̂[b,t], ĉ[k,n]⟩
 *   v2t[b,k] = mean_t max_n sim     t2v[b,k] = mean_n max_t sim     S = (v2t + t2v) / 2
 * The mean over n runs over every (padded) prompt, so cycled duplicates weight t2v, as released.
 * `video_class` is the contrast of Figures 4/8: the average-pooled, re-normalised video feature
 * against each class's averaged, re-normalised prompt: λ·cos(mean_t v̂, mean_n ĉ).
 */

/** x / ‖x‖ over the last axis (torch `F.normalize`, eps 1e-12). */
export function l2Normalize<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', -1, true), deviceScalar(1e-12))) as T)
}

/** sim [B, T, K, M] for frame embeddings [B, T, E] and prompt embeddings [K, M, E]; one 2-D product. */
export function frameScores(frames: tf.Tensor3D, prompts: tf.Tensor3D, logitScale: tf.Tensor): tf.Tensor4D {
  const [b, t, e] = frames.shape
  const [k, m, e2] = prompts.shape
  if (e !== e2) throw new Error(`alignment: frame embeddings [${frames.shape}] and prompt embeddings [${prompts.shape}] differ in width`)
  return tf.tidy(() => {
    const v = l2Normalize(frames).reshape([b * t, e])
    const c = l2Normalize(prompts).reshape([k * m, e])
    return tf.mul(linear(v, { weight: c }), tf.exp(logitScale)).reshape([b, t, k, m]) as tf.Tensor4D
  })
}

/**
 * max over `axis` whose gradient goes to one position of each reduced slice, the first maximum, as
 * PyTorch's `max(dim)` does. tfjs's own max gives the whole gradient to *every* tied position: a
 * prompt cycled in twice (`padCyclic`) then took it twice wherever its two copies scored
 * bit-identically (pure-JS, XNNPACK, WebGPU) and once where a BLAS kernel rounded them a last bit
 * apart, so the providers' gradients differed by far more than rounding.
 */
export function maxToFirst(x: tf.Tensor, axis: number): tf.Tensor {
  return customOp(([input], save) => {
    save([input!])
    return {
      value: tf.max(input!, axis),
      gradFunc: (dy, [saved]) =>
        tf.tidy(() => {
          const rank = saved!.rank
          // oneHot puts the reduced axis last; move it back to `axis`.
          const perm = Array.from({ length: rank }, (_, i) => (i < axis ? i : i === axis ? rank - 1 : i - 1))
          const first = tf.transpose(tf.cast(tf.oneHot(tf.argMax(saved!, axis), saved!.shape[axis]!), 'float32'), perm)
          return [tf.mul(first, tf.expandDims(dy, axis))]
        }),
    }
  })(x)
}

/** Eq. 8 from `sim` [B, T, K, M]: v2t, t2v or their mean, [B, K]. */
export function alignmentFromSim(sim: tf.Tensor4D, mode: AlignmentMode): tf.Tensor2D {
  return tf.tidy(() => {
    const v2t = () => tf.mean(maxToFirst(sim, 3), 1) as tf.Tensor2D
    const t2v = () => tf.mean(maxToFirst(sim, 1), 2) as tf.Tensor2D
    if (mode === 'v2t') return v2t()
    if (mode === 't2v') return t2v()
    return tf.div(tf.add(v2t(), t2v()), deviceScalar(2)) as tf.Tensor2D
  })
}

/** The video–class variant: λ·cos(mean_t v̂, mean_n ĉ), [B, K]. */
export function videoClassScores(frames: tf.Tensor3D, prompts: tf.Tensor3D, logitScale: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const video = l2Normalize(tf.mean(l2Normalize(frames), 1)) as tf.Tensor2D
    const classes = l2Normalize(tf.mean(l2Normalize(prompts), 1)) as tf.Tensor2D
    return tf.mul(linear(video, { weight: classes }), tf.exp(logitScale)) as tf.Tensor2D
  })
}

export interface ScoreResult {
  /** [B, K], used directly as logits. */
  scores: tf.Tensor2D
  /** sim [B, T, K, M] (frame × prompt, λ included), when asked for and at the frame–prompt level. */
  sim?: tf.Tensor4D
}

/** The class scores of a batch of clips under the chosen level and mode. */
export function classScores(frames: tf.Tensor3D, prompts: tf.Tensor3D, logitScale: tf.Tensor, opts: { mode: AlignmentMode; level: AlignmentLevel; keepSim?: boolean }): ScoreResult {
  if (opts.level === 'video_class') return { scores: videoClassScores(frames, prompts, logitScale) }
  return tidyRecord((): ScoreResult => {
    const sim = frameScores(frames, prompts, logitScale)
    const scores = alignmentFromSim(sim, opts.mode)
    return (opts.keepSim ? { scores, sim } : { scores })
  })
}
