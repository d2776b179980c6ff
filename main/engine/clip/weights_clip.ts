import * as tf from '@tensorflow/tfjs'
import type { LayerNormWeights } from '../tf/layer_norm'
import type { LinearWeights } from '../tf/linear'
import { nestWeights } from '../tf/tree'
import type { ClipConfig } from './configuration_clip'
import type { ClipEncoderLayerWeights } from './modeling_clip'

/**
 * Every parameter of transformers' `CLIPModel`, by its Hugging Face name and shape, derived from the
 * config; and placing a checkpoint's tensors on them (missing or mis-shaped → one error naming each).
 */

export interface WeightSpec {
  name: string
  shape: number[]
}

export interface ClipVisionWeights {
  embeddings: { class_embedding: tf.Tensor; patch_embedding: { weight: tf.Tensor }; position_embedding: { weight: tf.Tensor } }
  pre_layrnorm: LayerNormWeights
  encoder: { layers: ClipEncoderLayerWeights[] }
  post_layernorm: LayerNormWeights
}

export interface ClipTextWeights {
  embeddings: { token_embedding: { weight: tf.Tensor }; position_embedding: { weight: tf.Tensor } }
  encoder: { layers: ClipEncoderLayerWeights[] }
  final_layer_norm: LayerNormWeights
}

/** A CLIPModel's weights; a tower is absent when it was not loaded. */
export interface ClipModelWeights {
  text_model?: ClipTextWeights
  vision_model?: ClipVisionWeights
  text_projection?: LinearWeights
  visual_projection?: LinearWeights
  logit_scale: tf.Tensor
}

export type ClipTower = 'text' | 'vision'

/** Buffers older checkpoints store that are not parameters (transformers ignores them too). */
export const IGNORED_CHECKPOINT_KEYS = /(^|\.)position_ids$/

/** The parameters of one `CLIPEncoderLayer` under `prefix` (e.g. `vision_model.encoder.layers.0.`). */
export function encoderLayerSpecs(prefix: string, width: number, intermediate: number): WeightSpec[] {
  const ln = (n: string): WeightSpec[] => [
    { name: `${prefix}${n}.weight`, shape: [width] },
    { name: `${prefix}${n}.bias`, shape: [width] },
  ]
  const lin = (n: string, out: number, inDim: number): WeightSpec[] => [
    { name: `${prefix}${n}.weight`, shape: [out, inDim] },
    { name: `${prefix}${n}.bias`, shape: [out] },
  ]
  return [
    ...ln('layer_norm1'),
    ...lin('self_attn.q_proj', width, width),
    ...lin('self_attn.k_proj', width, width),
    ...lin('self_attn.v_proj', width, width),
    ...lin('self_attn.out_proj', width, width),
    ...ln('layer_norm2'),
    ...lin('mlp.fc1', intermediate, width),
    ...lin('mlp.fc2', width, intermediate),
  ]
}

function layers(prefix: string, count: number, width: number, intermediate: number): WeightSpec[] {
  return Array.from({ length: count }, (_, i) => encoderLayerSpecs(`${prefix}.encoder.layers.${i}.`, width, intermediate)).flat()
}

/** The parameter names and shapes of a CLIPModel with this config (the towers asked for). */
export function clipWeightSpecs(config: ClipConfig, towers: readonly ClipTower[] = ['text', 'vision']): WeightSpec[] {
  const specs: WeightSpec[] = [{ name: 'logit_scale', shape: [] }]
  const p = config.projectionDim
  if (towers.includes('text')) {
    const t = config.text
    specs.push(
      { name: 'text_model.embeddings.token_embedding.weight', shape: [t.vocabSize, t.hiddenSize] },
      { name: 'text_model.embeddings.position_embedding.weight', shape: [t.maxPositionEmbeddings, t.hiddenSize] },
      ...layers('text_model', t.numHiddenLayers, t.hiddenSize, t.intermediateSize),
      { name: 'text_model.final_layer_norm.weight', shape: [t.hiddenSize] },
      { name: 'text_model.final_layer_norm.bias', shape: [t.hiddenSize] },
      { name: 'text_projection.weight', shape: [p, t.hiddenSize] },
    )
  }
  if (towers.includes('vision')) {
    const v = config.vision
    const grid = v.imageSize / v.patchSize
    specs.push(
      { name: 'vision_model.embeddings.class_embedding', shape: [v.hiddenSize] },
      { name: 'vision_model.embeddings.patch_embedding.weight', shape: [v.hiddenSize, v.numChannels, v.patchSize, v.patchSize] },
      { name: 'vision_model.embeddings.position_embedding.weight', shape: [grid * grid + 1, v.hiddenSize] },
      { name: 'vision_model.pre_layrnorm.weight', shape: [v.hiddenSize] },
      { name: 'vision_model.pre_layrnorm.bias', shape: [v.hiddenSize] },
      ...layers('vision_model', v.numHiddenLayers, v.hiddenSize, v.intermediateSize),
      { name: 'vision_model.post_layernorm.weight', shape: [v.hiddenSize] },
      { name: 'vision_model.post_layernorm.bias', shape: [v.hiddenSize] },
      { name: 'visual_projection.weight', shape: [p, v.hiddenSize] },
    )
  }
  return specs
}

/** Where tensors come from: a safetensors checkpoint, or anything with the same three methods. */
export interface TensorSource {
  has(name: string): boolean
  info(name: string): { shape: number[] }
  readFloat32(name: string): Float32Array
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i])

/**
 * Checks every spec against `source` (all problems in one error: the tensor, the expected and the
 * found shape), then reads each into a float32 tensor. `where` names the source in messages.
 */
export function placeWeights(specs: readonly WeightSpec[], source: TensorSource, where: string): Map<string, tf.Tensor> {
  const problems: string[] = []
  for (const s of specs) {
    if (!source.has(s.name)) problems.push(`missing tensor "${s.name}" (expected shape [${s.shape}])`)
    else if (!sameShape(source.info(s.name).shape, s.shape)) problems.push(`tensor "${s.name}" has shape [${source.info(s.name).shape}], expected [${s.shape}]`)
  }
  if (problems.length) {
    const shown = problems.slice(0, 12).join('; ') + (problems.length > 12 ? `; … and ${problems.length - 12} more` : '')
    throw new Error(`${where}: ${problems.length} weight problem(s) for this config: ${shown}. Check that config.json belongs to these weights.`)
  }
  const out = new Map<string, tf.Tensor>()
  try {
    for (const s of specs) out.set(s.name, tf.tensor(source.readFloat32(s.name), s.shape, 'float32'))
  } catch (err) {
    tf.dispose([...out.values()])
    throw err
  }
  return out
}

/** Names in the source that no spec uses (other than ignorable buffers): worth a warning. */
export function unexpectedWeights(specs: readonly WeightSpec[], names: readonly string[], towers: readonly ClipTower[] = ['text', 'vision']): string[] {
  const known = new Set(specs.map((s) => s.name))
  const skipped = (n: string): boolean =>
    (!towers.includes('text') && /^text_(model|projection)\./.test(n)) || (!towers.includes('vision') && /^vision_model\.|^visual_projection\./.test(n))
  return names.filter((n) => !known.has(n) && !IGNORED_CHECKPOINT_KEYS.test(n) && !skipped(n))
}

/** The nested {@link ClipModelWeights} view of placed tensors. */
export function clipModelWeights(placed: ReadonlyMap<string, tf.Tensor>): ClipModelWeights {
  return nestWeights<ClipModelWeights>(placed)
}
