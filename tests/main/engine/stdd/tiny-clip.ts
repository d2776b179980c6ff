import * as tf from '@tensorflow/tfjs'
import { parseClipConfig, type ClipConfig } from '../../../../main/engine/clip/configuration_clip'
import { clipModelWeights, clipWeightSpecs, type ClipModelWeights } from '../../../../main/engine/clip/weights_clip'
import { randomValues } from '../tf/numeric-grad'

/** A tiny random CLIP vision tower: 16 px, patch 4 (4×4 grid), width 16, 2 heads, `layers` layers, projection 8. */
export function tinyClip(layers = 2, seed = 1): { config: ClipConfig; weights: ClipModelWeights; dispose(): void } {
  const config = parseClipConfig({
    projection_dim: 8,
    vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: layers, num_attention_heads: 2, image_size: 16, patch_size: 4 },
    text_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, vocab_size: 10 },
  })
  const placed = new Map<string, tf.Tensor>()
  clipWeightSpecs(config, ['vision']).forEach((s, i) => {
    const n = s.shape.reduce((a, b) => a * b, 1)
    const isNormWeight = /(layer_norm\d|layrnorm|layernorm)\.weight$/.test(s.name)
    const values = s.name === 'logit_scale' ? new Float32Array([Math.log(10)]) : randomValues(n, seed * 1000 + i).map((v) => (isNormWeight ? 1 + 0.2 * v : 0.3 * v))
    placed.set(s.name, tf.tensor(values, s.shape))
  })
  const weights = clipModelWeights(placed)
  return { config, weights, dispose: () => tf.dispose([...placed.values()]) }
}

/** Random clips [B, T, 3, 16, 16]. */
export function tinyClips(batch: number, frames: number, seed = 7): tf.Tensor5D {
  return tf.tensor5d(randomValues(batch * frames * 3 * 16 * 16, seed), [batch, frames, 3, 16, 16])
}
