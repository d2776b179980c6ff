import * as tf from '@tensorflow/tfjs'
import type { ClipVisionConfig } from '../clip/configuration_clip'
import type { ClipAttentionFn } from '../clip/modeling_clip'
import { clipEncoder } from '../clip/modeling_clip'
import { visionEncoderOptions } from '../clip/modeling_clip_vision'
import type { ClipVisionWeights } from '../clip/weights_clip'
import { layerNorm } from '../tf/layer_norm'
import { linear } from '../tf/linear'

/**
 * The vision tower's forward for training on patches cut in JavaScript: the same computation as
 * `clipVisionTransformer` (clip/modeling_clip_vision.ts), whose 6-D transpose of the pixel batch
 * costs a fifth of a SynthCLIP training step on WASM. Patches are rows in the order of that
 * function: patch (row, column) of image n at row n·grid² + row·grid + column, values (c, i, j).
 */

/** Cuts normalised frames [N, C, S, S] into patch rows [N·(S/p)², C·p·p]. */
export function cutPatches(pixels: Float32Array, count: number, channels: number, size: number, patch: number): Float32Array {
  const grid = size / patch
  if (!Number.isInteger(grid)) throw new Error(`cutPatches: ${size}-px frames do not split into ${patch}-px patches`)
  if (pixels.length !== count * channels * size * size) throw new Error(`cutPatches: ${pixels.length} values do not make ${count} frames of ${channels}×${size}×${size}`)
  const out = new Float32Array(pixels.length)
  let o = 0
  for (let n = 0; n < count; n++)
    for (let gy = 0; gy < grid; gy++)
      for (let gx = 0; gx < grid; gx++)
        for (let c = 0; c < channels; c++)
          for (let i = 0; i < patch; i++) {
            const src = ((n * channels + c) * size + gy * patch + i) * size + gx * patch
            out.set(pixels.subarray(src, src + patch), o)
            o += patch
          }
  return out
}

/** `post_layernorm(class token)` [N, D] of `count` images given as patch rows. The caller owns the result. */
export function clipVisionPooledFromPatches(patches: Float32Array, count: number, w: ClipVisionWeights, config: ClipVisionConfig, attention?: ClipAttentionFn): tf.Tensor2D {
  const d = config.hiddenSize
  const p = config.patchSize
  const tokens = (config.imageSize / p) ** 2
  const width = config.numChannels * p * p
  if (patches.length !== count * tokens * width) throw new Error(`vision tower (training): ${patches.length} patch values do not make ${count} images of ${tokens} patches of ${width}`)
  return tf.tidy(() => {
    const filter = w.embeddings.patch_embedding.weight.reshape([d, width])
    const embedded = linear(tf.tensor2d(patches, [count * tokens, width]), { weight: filter }).reshape([count, tokens, d])
    const cls = tf.broadcastTo(w.embeddings.class_embedding.reshape([1, 1, d]), [count, 1, d])
    const x = tf.add(tf.concat([cls, embedded], 1), w.embeddings.position_embedding.weight) as tf.Tensor3D
    const enc = clipEncoder(layerNorm(x, w.pre_layrnorm, config.layerNormEps), w.encoder.layers, visionEncoderOptions(config), attention ? { attention } : {})
    const first = enc.lastHiddenState.slice([0, 0, 0], [-1, 1, d]).reshape([count, d]) as tf.Tensor2D
    return layerNorm(first, w.post_layernorm, config.layerNormEps)
  })
}
