import * as tf from '@tensorflow/tfjs'
import { attentionOutput, type ClipAttentionFn } from '../clip/modeling_clip'
import { linear } from '../tf/linear'

/**
 * CLIP's attention step for tiny models: the same computation as `clipAttention` (modeling_clip.ts),
 * but the per-head products are single batched `tf.matMul` calls. On WASM, tf/matmul.ts runs a
 * batched product as one XNNPACK product per batch entry, which is right for ViT-B sized heads but,
 * for SynthCLIP (128 images × 4 heads of 17×16), costs thousands of tiny kernel calls per step; the
 * batched kernel's plain loop is far cheaper at this size. Differentiable (tfjs's matMul gradient).
 */
export const batchedAttention: ClipAttentionFn = (x, w, call) =>
  tf.tidy(() => {
    if (call.probs !== 'none') throw new Error('batchedAttention is for training: it returns no attention probabilities (use clipAttention in an inference pass)')
    const [b, l, d] = x.shape
    const h = call.numHeads
    const split = (t: tf.Tensor3D): tf.Tensor3D => t.reshape([b, l, h, d / h]).transpose([0, 2, 1, 3]).reshape([b * h, l, d / h])
    const q = tf.mul(split(linear(x, w.q_proj)), 1 / Math.sqrt(d / h)) as tf.Tensor3D
    const k = split(linear(x, w.k_proj))
    const v = split(linear(x, w.v_proj))
    let scores: tf.Tensor = tf.matMul(q, k, false, true)
    if (call.mask) scores = tf.add(scores.reshape([b, h, l, l]), call.mask).reshape([b * h, l, l])
    const probs = tf.softmax(scores, -1) as tf.Tensor3D
    const ctx = tf.matMul(probs, v).reshape([b, h, l, d / h]).transpose([0, 2, 1, 3]).reshape([b, l, d]) as tf.Tensor3D
    return { out: attentionOutput(ctx, w) }
  })
