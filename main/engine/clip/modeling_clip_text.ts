import * as tf from '@tensorflow/tfjs'
import { causalMask, paddingMask } from '../tf/attention'
import { layerNorm } from '../tf/layer_norm'
import { LEGACY_EOS_TOKEN_ID, type ClipTextConfig } from './configuration_clip'
import { clipEncoder } from './modeling_clip'
import type { ClipTextWeights } from './weights_clip'

/** transformers' `CLIPTextEmbeddings` + `CLIPTextTransformer` (token ids → pooled end-of-text state). */

/**
 * The position to pool at in each row, transformers' rule: with the legacy `eos_token_id` 2, the
 * first position of the highest id (CLIP's end-of-text token is the last id of its vocabulary);
 * otherwise the first position of `eos_token_id` (the last position if it does not occur).
 */
export function eosPositions(inputIds: readonly (readonly number[])[], eosTokenId: number): number[] {
  return inputIds.map((row) => {
    if (eosTokenId === LEGACY_EOS_TOKEN_ID) {
      let best = 0
      row.forEach((id, i) => {
        if (id > row[best]!) best = i
      })
      return best
    }
    const i = row.indexOf(eosTokenId)
    return i >= 0 ? i : row.length - 1
  })
}

export interface TextOutput {
  /** After final_layer_norm, [B, L, D]. */
  lastHiddenState: tf.Tensor3D
  /** The end-of-text token's state, [B, D]. */
  pooled: tf.Tensor2D
}

/**
 * `CLIPTextTransformer.forward` on padded ids [B, L] with their 0/1 attention mask (causal plus
 * padding mask, as transformers). The token lookup is a gather: the text tower is not trained here
 * (WASM has no gather gradient). The caller owns the returned tensors.
 */
export function clipTextTransformer(inputIds: number[][], attentionMask: number[][] | undefined, w: ClipTextWeights, config: ClipTextConfig): TextOutput {
  const b = inputIds.length
  const l = inputIds[0]?.length ?? 0
  if (b === 0 || inputIds.some((r) => r.length !== l)) throw new Error('text tower: input ids must be a non-empty batch of rows of equal length (pad them first)')
  if (l > config.maxPositionEmbeddings) throw new Error(`text tower: sequences of ${l} tokens exceed max_position_embeddings ${config.maxPositionEmbeddings}`)
  const bad = inputIds.flat().find((id) => !Number.isInteger(id) || id < 0 || id >= config.vocabSize)
  if (bad !== undefined) throw new Error(`text tower: token id ${bad} is outside the vocabulary (0…${config.vocabSize - 1}): the tokenizer does not belong to this model`)
  const d = config.hiddenSize
  return tf.tidy(() => {
    const ids = tf.tensor2d(inputIds, [b, l], 'int32')
    const tokens = tf.gather(w.embeddings.token_embedding.weight, ids) as tf.Tensor3D
    const positions = w.embeddings.position_embedding.weight.slice([0, 0], [l, d])
    const x = tf.add(tokens, positions) as tf.Tensor3D
    const mask = attentionMask ? tf.add(causalMask(l), paddingMask(attentionMask)) : causalMask(l)
    const enc = clipEncoder(x, w.encoder.layers, { numHeads: config.numAttentionHeads, layerNormEps: config.layerNormEps, hiddenAct: config.hiddenAct }, { mask })
    const last = layerNorm(enc.lastHiddenState, w.final_layer_norm, config.layerNormEps)
    const rows = eosPositions(inputIds, config.eosTokenId).map((pos, i) => i * l + pos)
    const pooled = tf.gather(last.reshape([b * l, d]), tf.tensor1d(rows, 'int32')) as tf.Tensor2D
    return { lastHiddenState: last, pooled }
  })
}
