import * as tf from '@tensorflow/tfjs'
import type { ClipTextConfig } from '../clip/configuration_clip'
import { clipEncoder, type ClipAttentionFn } from '../clip/modeling_clip'
import { eosPositions, type TextOutput } from '../clip/modeling_clip_text'
import type { ClipTextWeights } from '../clip/weights_clip'
import { causalMask, paddingMask } from '../tf/attention'
import { customOp } from '../tf/custom_grad'
import { layerNorm } from '../tf/layer_norm'
import { matMulFast } from '../tf/matmul'

/**
 * The text tower's forward for training: the same computation as `clipTextTransformer`
 * (clip/modeling_clip_text.ts) with two steps made differentiable on WASM, which has no gradient
 * for `tf.gather` (no UnsortedSegmentSum kernel):
 * - the token lookup is a gather whose gradient is written by hand, onehot(ids)ᵀ · dy (one fast
 *   matrix product), and
 * - the end-of-text pooling is a masked sum over positions instead of a row gather.
 */

/** `table[ids]` ([N] ids → [N, D] rows) with a gradient for `table` only. */
export function tokenLookup(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const vocab = table.shape[0]
  const op = customOp(([t], save) => {
    // Tensors the gradient needs must be saved: anything else is gone when the forward pass ends.
    save([ids])
    const value = tf.gather(t!, ids)
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => [
      tf.tidy(() => matMulFast(tf.oneHot(saved[0] as tf.Tensor1D, vocab).toFloat() as tf.Tensor2D, dy as tf.Tensor2D, true, false)),
    ]
    return { value, gradFunc }
  })
  return op(table) as tf.Tensor2D
}

/** A [B, L] float mask with 1 at each row's end-of-text position (transformers' pooling rule). */
function poolingMask(inputIds: number[][], eosTokenId: number): tf.Tensor2D {
  const b = inputIds.length
  const l = inputIds[0]!.length
  const values = new Float32Array(b * l)
  eosPositions(inputIds, eosTokenId).forEach((pos, i) => (values[i * l + pos] = 1))
  return tf.tensor2d(values, [b, l])
}

/**
 * `CLIPTextTransformer.forward` on padded ids [B, L] (trim the padding to the batch's longest row:
 * with the causal mask the end-of-text state does not depend on what follows it), differentiable
 * with respect to every text weight. `attention` replaces the attention step (default
 * `clipAttention`; training passes `batchedAttention`). The caller owns the returned tensors.
 */
export function clipTextTransformerTrain(inputIds: number[][], attentionMask: number[][] | undefined, w: ClipTextWeights, config: ClipTextConfig, attention?: ClipAttentionFn): TextOutput {
  const b = inputIds.length
  const l = inputIds[0]?.length ?? 0
  if (b === 0 || inputIds.some((r) => r.length !== l)) throw new Error('text tower (training): input ids must be a non-empty batch of rows of equal length (pad them first)')
  if (l > config.maxPositionEmbeddings) throw new Error(`text tower (training): sequences of ${l} tokens exceed max_position_embeddings ${config.maxPositionEmbeddings}`)
  const d = config.hiddenSize
  return tf.tidy(() => {
    const ids = tf.tensor1d(inputIds.flat(), 'int32')
    const tokens = tokenLookup(w.embeddings.token_embedding.weight as tf.Tensor2D, ids).reshape([b, l, d])
    const positions = w.embeddings.position_embedding.weight.slice([0, 0], [l, d])
    const x = tf.add(tokens, positions) as tf.Tensor3D
    const mask = attentionMask ? tf.add(causalMask(l), paddingMask(attentionMask)) : causalMask(l)
    const enc = clipEncoder(x, w.encoder.layers, { numHeads: config.numAttentionHeads, layerNormEps: config.layerNormEps, hiddenAct: config.hiddenAct }, attention ? { mask, attention } : { mask })
    const last = layerNorm(enc.lastHiddenState, w.final_layer_norm, config.layerNormEps)
    const pooled = tf.sum(tf.mul(last, poolingMask(inputIds, config.eosTokenId).expandDims(2)), 1) as tf.Tensor2D
    return { lastHiddenState: last, pooled }
  })
}

/** Drops the columns after the longest row's last real token (mask 1), keeping rows aligned. */
export function trimPadding(batch: { inputIds: number[][]; attentionMask: number[][] }): { inputIds: number[][]; attentionMask: number[][] } {
  const used = Math.max(1, ...batch.attentionMask.map((m) => m.reduce((a, v) => a + v, 0)))
  return { inputIds: batch.inputIds.map((r) => r.slice(0, used)), attentionMask: batch.attentionMask.map((r) => r.slice(0, used)) }
}
