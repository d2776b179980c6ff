import * as tf from '@tensorflow/tfjs'
import type { ClipConfig } from '../clip/configuration_clip'
import { clipModelWeights, clipWeightSpecs, type ClipModelWeights, type WeightSpec } from '../clip/weights_clip'
import { gaussian, seededRng } from '../util/random'

/**
 * A freshly initialised CLIPModel as trainable variables, as transformers' `CLIPPreTrainedModel.
 * _init_weights` does (factor 1): normal(0.02) embeddings, class embedding normal(D^-½), attention
 * in-projections normal(D^-½·(2·layers)^-½), out-projection normal(D^-½), fc1 normal((2D)^-½), fc2
 * like the in-projections, projections normal(D^-½), zero biases, unit LayerNorms, logit scale
 * ln(1/0.07) — except the vision position embeddings, which start as 2-D sine-cosine codes
 * ({@link sincosPositions}). Values come from a seeded Mersenne Twister, so a seed gives the same model everywhere.
 */

export interface TrainableClip {
  weights: ClipModelWeights
  /** Every parameter with its Hugging Face name, in spec order. */
  named: [string, tf.Variable][]
}

/** The initial value rule for one parameter: a constant or a normal standard deviation. */
export function initRule(name: string, config: ClipConfig): { constant: number } | { std: number } {
  const tower = name.startsWith('text_') ? config.text : config.vision
  const d = tower.hiddenSize
  const inProj = d ** -0.5 * (2 * tower.numHiddenLayers) ** -0.5
  if (name === 'logit_scale') return { constant: config.logitScaleInitValue }
  if (/(layer_norm\d|layrnorm|layernorm|final_layer_norm)\.weight$/.test(name)) return { constant: 1 }
  if (name.endsWith('.bias')) return { constant: 0 }
  if (name.endsWith('class_embedding')) return { std: d ** -0.5 }
  if (/embedding\.weight$/.test(name)) return { std: 0.02 }
  if (/self_attn\.(q|k|v)_proj\.weight$/.test(name)) return { std: inProj }
  if (name.endsWith('self_attn.out_proj.weight')) return { std: d ** -0.5 }
  if (name.endsWith('mlp.fc1.weight')) return { std: (2 * d) ** -0.5 }
  if (name.endsWith('mlp.fc2.weight')) return { std: inProj }
  if (name === 'text_projection.weight') return { std: config.text.hiddenSize ** -0.5 }
  if (name === 'visual_projection.weight') return { std: config.vision.hiddenSize ** -0.5 }
  throw new Error(`SynthCLIP init: no rule for parameter "${name}"`)
}

/**
 * 2-D sine-cosine position codes for the patch grid (MAE's `get_2d_sincos_pos_embed`), the class
 * token's row zero, scaled by `scale`. A tiny ViT trained briefly from normal(0.02) positions barely
 * learns where things are (without them its patches are an unordered set: left = right); starting
 * from these codes it knows the layout from the first step. They stay trainable.
 */
export function sincosPositions(grid: number, width: number, scale: number): Float32Array {
  if (width % 4) throw new Error(`sincos positions: width ${width} must be a multiple of 4`)
  const out = new Float32Array((grid * grid + 1) * width)
  const quarter = width / 4
  for (let y = 0; y < grid; y++) {
    for (let x = 0; x < grid; x++) {
      const row = (1 + y * grid + x) * width
      for (let k = 0; k < quarter; k++) {
        const omega = 1 / 10000 ** (k / quarter)
        out[row + k] = scale * Math.sin(x * omega)
        out[row + quarter + k] = scale * Math.cos(x * omega)
        out[row + 2 * quarter + k] = scale * Math.sin(y * omega)
        out[row + 3 * quarter + k] = scale * Math.cos(y * omega)
      }
    }
  }
  return out
}

/** Amplitude of the vision position codes: about the patch embeddings' size at initialisation. */
export const POSITION_CODE_SCALE = 0.5

function initialValues(spec: WeightSpec, config: ClipConfig, normal: () => number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1)
  if (spec.name === 'vision_model.embeddings.position_embedding.weight') {
    return sincosPositions(config.vision.imageSize / config.vision.patchSize, config.vision.hiddenSize, POSITION_CODE_SCALE)
  }
  const rule = initRule(spec.name, config)
  const out = new Float32Array(n)
  if ('constant' in rule) out.fill(rule.constant)
  else for (let i = 0; i < n; i++) out[i] = normal() * rule.std
  return out
}

/** Both towers, projections and logit scale as `tf.Variable`s (dispose with {@link disposeTrainable}). */
export function initTrainableClip(config: ClipConfig, seed: number): TrainableClip {
  const normal = gaussian(seededRng(seed))
  const named: [string, tf.Variable][] = clipWeightSpecs(config).map((spec) => {
    const values = initialValues(spec, config, normal)
    return [spec.name, tf.tidy(() => tf.variable(tf.tensor(values, spec.shape, 'float32'), true))]
  })
  return { weights: clipModelWeights(new Map<string, tf.Tensor>(named)), named }
}

export function disposeTrainable(model: TrainableClip): void {
  tf.dispose(model.named.map(([, v]) => v))
}
