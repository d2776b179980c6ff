import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { readJsonFile } from '../io/json-file'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { SafetensorsCheckpoint } from '../io/safetensors_checkpoint'
import { writeSafetensorsAsync } from '../io/safetensors_write'
import type { AttentionProbs } from '../tf/attention'
import { linear } from '../tf/linear'
import { flattenWeights, type WeightTree } from '../tf/tree'
import { clipConfigToJson, parseClipConfig, type ClipConfig } from './configuration_clip'
import { clipTextTransformer } from './modeling_clip_text'
import { clipVisionTransformer, type VisionRun } from './modeling_clip_vision'
import { clipModelWeights, clipWeightSpecs, placeWeights, unexpectedWeights, type ClipModelWeights, type ClipTower, type TensorSource } from './weights_clip'
import { tidyRecord } from '../tf/tidy'

/** transformers' `CLIPModel`: both towers, their projections and the logit scale. */

/** The files besides the weights that make a folder usable by transformers and by {@link ClipModel.fromPretrained}'s callers. */
const COMPANION_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt', 'preprocessor_config.json']

export interface ImageFeatures {
  /** visual_projection(pooled), not normalised: [N, projection_dim]. */
  imageEmbeds: tf.Tensor2D
  /** post_layernorm(class token): [N, D]. */
  pooled: tf.Tensor2D
  /** Encoder output before post-layernorm: [N, tokens, D] (only when asked for). */
  lastHiddenState?: tf.Tensor3D
  /** Last layer's attention probabilities (only when asked for). */
  lastAttention?: tf.Tensor
}

export interface TextFeatures {
  /** text_projection(pooled), not normalised: [B, projection_dim]. */
  textEmbeds: tf.Tensor2D
  /** final_layer_norm state at the end-of-text token: [B, D]. */
  pooled: tf.Tensor2D
}

export interface ImageRequest extends VisionRun {
  lastHiddenState?: boolean
  attentionProbs?: AttentionProbs
}

export interface LoadOptions {
  /** Which towers to load (default both): STDD's vision training needs no text tower. */
  towers?: readonly ClipTower[]
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`CLIP model: the ${what} was not loaded (load it with towers including it)`)
  return value
}

export class ClipModel {
  /** Checkpoint names that no parameter uses (besides ignorable buffers); a caller may warn. */
  unexpected: string[] = []

  constructor(
    readonly config: ClipConfig,
    readonly weights: ClipModelWeights,
  ) {}

  /** Places `source`'s tensors by their Hugging Face names (errors name each missing or mis-shaped one). */
  static fromSource(config: ClipConfig, source: TensorSource & { names(): string[] }, where: string, options: LoadOptions = {}): ClipModel {
    const towers = options.towers ?? ['text', 'vision']
    const specs = clipWeightSpecs(config, towers)
    const model = new ClipModel(config, clipModelWeights(placeWeights(specs, source, where)))
    model.unexpected = unexpectedWeights(specs, source.names(), towers)
    return model
  }

  /** Loads a Hugging Face CLIP folder: `config.json` and `model.safetensors` (or its sharded index). */
  static fromPretrained(dir: string, options: LoadOptions = {}): ClipModel {
    const configPath = join(dir, 'config.json')
    if (!existsSync(configPath)) throw new Error(`${dir}: no config.json (is this a Hugging Face CLIP model folder?)`)
    const config = parseClipConfig(readJsonFile(configPath, 'CLIP config.json'), configPath)
    const ckpt = SafetensorsCheckpoint.open(dir)
    try {
      return ClipModel.fromSource(config, ckpt, ckpt.source, options)
    } finally {
      ckpt.close()
    }
  }

  /** `get_image_features` and more: pixels [N, C, H, W], normalised. The caller disposes the result. */
  encodeImages(pixels: tf.Tensor4D, request: ImageRequest = {}): ImageFeatures {
    const vision = need(this.weights.vision_model, 'vision tower')
    const projection = need(this.weights.visual_projection, 'visual projection')
    const { lastHiddenState: keepHidden, ...run } = request
    return tidyRecord((): ImageFeatures => {
      const v = clipVisionTransformer(pixels, vision, this.config.vision, run)
      const out: ImageFeatures = { imageEmbeds: linear(v.pooled, projection), pooled: v.pooled }
      if (keepHidden) out.lastHiddenState = v.lastHiddenState
      if (v.lastAttention) out.lastAttention = v.lastAttention
      return out
    })
  }

  /** `get_text_features` and the pooled state, on padded ids with their attention mask. */
  encodeTexts(inputIds: number[][], attentionMask?: number[][]): TextFeatures {
    const text = need(this.weights.text_model, 'text tower')
    const projection = need(this.weights.text_projection, 'text projection')
    return tf.tidy(() => {
      const t = clipTextTransformer(inputIds, attentionMask, text, this.config.text)
      return { textEmbeds: linear(t.pooled, projection), pooled: t.pooled }
    })
  }

  /** exp(logit_scale) · cos(image, text): [images, texts] (`logits_per_image`); transpose for per-text. */
  logitsPerImage(imageEmbeds: tf.Tensor2D, textEmbeds: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const img = tf.div(imageEmbeds, tf.norm(imageEmbeds, 2, -1, true))
      const txt = tf.div(textEmbeds, tf.norm(textEmbeds, 2, -1, true))
      return tf.mul(tf.matMul(img, txt, false, true), tf.exp(this.weights.logit_scale)) as tf.Tensor2D
    })
  }

  /**
   * Writes the folder transformers' `CLIPModel.from_pretrained` reads: `config.json` and
   * `model.safetensors` (float32, Hugging Face names); with `companionsFrom`, copies the tokenizer
   * and preprocessor files from that folder. Returns the bytes of weights written.
   */
  async savePretrained(dir: string, companionsFrom?: string): Promise<number> {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'config.json'), JSON.stringify(clipConfigToJson(this.config), null, 2) + '\n')
    const tensors = flattenWeights(this.weights as unknown as WeightTree).map(([name, t]) => ({ name, shape: t.shape, data: async () => (await t.data()) as Float32Array }))
    const bytes = await writeSafetensorsAsync(join(dir, 'model.safetensors'), tensors)
    for (const f of companionsFrom ? COMPANION_FILES : []) if (existsSync(join(companionsFrom!, f))) copyFileSync(join(companionsFrom!, f), join(dir, f))
    return bytes
  }

  /** Number of parameters loaded. */
  numParameters(): number {
    return flattenWeights(this.weights as unknown as WeightTree).reduce((n, [, t]) => n + t.size, 0)
  }

  dispose(): void {
    tf.dispose(flattenWeights(this.weights as unknown as WeightTree).map(([, t]) => t))
  }
}
