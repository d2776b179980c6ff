import * as tf from '@tensorflow/tfjs'
import type { StddVideoModel } from './model'
import { classScores } from './alignment'
import { stddForward } from './video_model'
import { tidyRecord } from '../tf/tidy'

/**
 * Evaluation scores, and what the explorer shows of a clip, from one pass: per frame, the last
 * block's class-token attention over the patches (mean over heads, as a grid), and the frame ×
 * prompt score matrix (λ·cos, docs/method.md §4.1). Asking for the capture adds no forward pass.
 */

export interface Prediction {
  /** [B, K], the alignment scores used as logits. */
  scores: tf.Tensor2D
  /** [B, T, P], not normalised. */
  frameEmbeds: tf.Tensor3D
  /** [B, T, grid, grid] when captured. */
  clsAttention?: tf.Tensor4D
  /** [B, T, K, M] when captured (frame–prompt level only). */
  frameByPrompt?: tf.Tensor4D
}

export function predictClips(model: StddVideoModel, clips: tf.Tensor5D, prompts: tf.Tensor3D, opts: { capture?: boolean } = {}): Prediction {
  const capture = opts.capture ?? false
  const { alignment } = model.config
  return tidyRecord((): Prediction => {
    const f = stddForward(model, clips, { training: false, captureAttention: capture })
    const s = classScores(f.frameEmbeds, prompts, model.weights.logit_scale, { mode: alignment.mode, level: alignment.level, keepSim: capture })
    const out: Prediction = { scores: s.scores, frameEmbeds: f.frameEmbeds }
    if (capture && f.clsAttention) {
      const [b, t, n] = f.clsAttention.shape
      const g = Math.round(Math.sqrt(n))
      out.clsAttention = f.clsAttention.reshape([b, t, g, g]) as tf.Tensor4D
    }
    if (s.sim) out.frameByPrompt = s.sim
    return out
  })
}
