import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import { clipConfigToJson, type ClipConfig } from '../clip/configuration_clip'
import { writeSafetensors } from '../io/safetensors_write'
import { preprocessorConfigJson } from './config'
import { writeTokenizerFiles, type SynthTokenizer } from './tokenizer_files'

/**
 * Writes a SynthCLIP as a Hugging Face CLIP folder: `config.json`, `model.safetensors` (float32,
 * transformers' parameter names), the tokenizer files and `preprocessor_config.json`.
 */

/** config.json with the keys transformers' `CLIPConfig.save_pretrained` adds to the model's own. */
export function synthClipConfigJson(config: ClipConfig): Record<string, unknown> {
  const base = clipConfigToJson(config)
  const towerExtras = { attention_dropout: 0.0, dropout: 0.0, initializer_factor: 1.0, initializer_range: 0.02, projection_dim: config.projectionDim }
  return {
    ...base,
    initializer_factor: 1.0,
    text_config: { ...(base.text_config as object), ...towerExtras },
    vision_config: { ...(base.vision_config as object), ...towerExtras },
    torch_dtype: 'float32',
  }
}

export interface SaveInput {
  config: ClipConfig
  tokenizer: SynthTokenizer
  /** Parameters by Hugging Face name. */
  named: readonly [string, tf.Tensor][]
  /** Stored in the safetensors header (values are strings). */
  metadata?: Record<string, string>
}

/** Writes the folder (created if needed); returns the weight file's size in bytes. */
export function saveSynthClip(dir: string, input: SaveInput): number {
  mkdirSync(dir, { recursive: true })
  const json = (value: unknown): string => JSON.stringify(value, null, 2) + '\n'
  writeFileSync(join(dir, 'config.json'), json(synthClipConfigJson(input.config)))
  writeFileSync(join(dir, 'preprocessor_config.json'), json(preprocessorConfigJson(input.config.vision.imageSize)))
  writeTokenizerFiles(dir, input.tokenizer)
  const tensors = input.named.map(([name, t]) => ({ name, shape: [...t.shape], data: () => t.dataSync() as Float32Array }))
  return writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt', ...input.metadata })
}
