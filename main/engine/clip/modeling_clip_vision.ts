import * as tf from '@tensorflow/tfjs'
import type { AttentionProbs } from '../tf/attention'
import { layerNorm } from '../tf/layer_norm'
import { linear } from '../tf/linear'
import type { ClipVisionConfig } from './configuration_clip'
import { clipEncoder, type ClipEncoderLayerWeights, type ClipEncoderOptions, type ClipEncoderRun } from './modeling_clip'
import type { ClipVisionWeights } from './weights_clip'
import { tidyRecord } from '../tf/tidy'

/** transformers' `CLIPVisionEmbeddings` + `CLIPVisionTransformer` (pixels → pooled class token). */

export function visionEncoderOptions(config: ClipVisionConfig): ClipEncoderOptions {
  return { numHeads: config.numAttentionHeads, layerNormEps: config.layerNormEps, hiddenAct: config.hiddenAct }
}

/**
 * Patch embedding as reshape + one matmul (a stride-p convolution without bias, written so that its
 * filter gradient needs no Conv2DBackpropFilter, which WASM lacks), class token, positions.
 * `pixels` [N, C, H, W] (normalised, channels first as in transformers) → [N, 1 + (H/p)·(W/p), D].
 */
export function clipVisionEmbeddings(pixels: tf.Tensor4D, w: ClipVisionWeights['embeddings'], config: ClipVisionConfig): tf.Tensor3D {
  const [n, c, h, wd] = pixels.shape
  const p = config.patchSize
  const d = config.hiddenSize
  if (c !== config.numChannels || h !== config.imageSize || wd !== config.imageSize) {
    throw new Error(`vision tower: pixels [${pixels.shape}] do not fit the model: expected [N, ${config.numChannels}, ${config.imageSize}, ${config.imageSize}] (preprocess the images to the model's size)`)
  }
  const gh = h / p
  const gw = wd / p
  return tf.tidy(() => {
    const patches = pixels
      .reshape([n, c, gh, p, gw, p])
      .transpose([0, 2, 4, 1, 3, 5]) // [N, gh, gw, C, p, p]: one row per patch, (c, i, j) order like the filter
      .reshape([n * gh * gw, c * p * p])
    const filter = w.patch_embedding.weight.reshape([d, c * p * p])
    const embedded = linear(patches, { weight: filter }).reshape([n, gh * gw, d])
    const cls = tf.broadcastTo(w.class_embedding.reshape([1, 1, d]), [n, 1, d])
    return tf.add(tf.concat([cls, embedded], 1), w.position_embedding.weight) as tf.Tensor3D
  })
}

export interface VisionRun extends Omit<ClipEncoderRun<ClipEncoderLayerWeights>, 'mask' | 'attentionProbs'> {
  attentionProbs?: AttentionProbs
}

export interface VisionOutput {
  /** Encoder output before post-layernorm, [N, tokens, D] (`last_hidden_state` of transformers). */
  lastHiddenState: tf.Tensor3D
  /** post_layernorm(class token), [N, D]. */
  pooled: tf.Tensor2D
  lastAttention?: tf.Tensor
}

/** `CLIPVisionTransformer.forward`. The caller owns (and disposes) the returned tensors. */
export function clipVisionTransformer(pixels: tf.Tensor4D, w: ClipVisionWeights, config: ClipVisionConfig, run: VisionRun = {}): VisionOutput {
  return tidyRecord((): VisionOutput => {
    const x = layerNorm(clipVisionEmbeddings(pixels, w.embeddings, config), w.pre_layrnorm, config.layerNormEps)
    const enc = clipEncoder(x, w.encoder.layers, visionEncoderOptions(config), run)
    const d = config.hiddenSize
    const cls = enc.lastHiddenState.slice([0, 0, 0], [-1, 1, d]).reshape([-1, d]) as tf.Tensor2D
    const out: VisionOutput = { lastHiddenState: enc.lastHiddenState, pooled: layerNorm(cls, w.post_layernorm, config.layerNormEps) }
    if (enc.lastAttention) out.lastAttention = enc.lastAttention
    return out
  })
}
