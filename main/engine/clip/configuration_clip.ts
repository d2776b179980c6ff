import { z } from 'zod'
import { HIDDEN_ACTS, type HiddenAct } from '../tf/activations'

/**
 * A Hugging Face `config.json` of `model_type: "clip"` mapped to typed options (the mirror of
 * transformers' configuration_clip.py). Keys missing from the file take transformers' defaults;
 * the legacy `text_config_dict` / `vision_config_dict` of older files override `text_config` /
 * `vision_config` as transformers does.
 */

export interface ClipTextConfig {
  vocabSize: number
  hiddenSize: number
  intermediateSize: number
  numHiddenLayers: number
  numAttentionHeads: number
  maxPositionEmbeddings: number
  hiddenAct: HiddenAct
  layerNormEps: number
  bosTokenId: number
  /**
   * transformers' rule: the legacy value 2 (released OpenAI checkpoints, and `clip-tiny-a`) means
   * "pool at the highest token id" (the end-of-text token of CLIP's vocabulary); any other value is
   * the id to pool at (its first occurrence).
   */
  eosTokenId: number
  padTokenId: number
}

export interface ClipVisionConfig {
  hiddenSize: number
  intermediateSize: number
  numHiddenLayers: number
  numAttentionHeads: number
  numChannels: number
  imageSize: number
  patchSize: number
  hiddenAct: HiddenAct
  layerNormEps: number
}

export interface ClipConfig {
  text: ClipTextConfig
  vision: ClipVisionConfig
  /** Width of the shared embedding space (`text_projection`, `visual_projection`). */
  projectionDim: number
  logitScaleInitValue: number
}

/** The legacy `eos_token_id` of released checkpoints: pool at argmax(input_ids) instead. */
export const LEGACY_EOS_TOKEN_ID = 2

/** Every size has a bound, so an absurd `config.json` is refused before any tensor is made (issue 19, F4). */
const int = (min: number, max = 1_000_000) => z.number().int().min(min).max(max)
const act = z.enum(HIDDEN_ACTS, { error: (i) => `hidden_act ${JSON.stringify(i.input)} is not supported; choose one of ${HIDDEN_ACTS.join(', ')}` })

const textSchema = z.object({
  vocab_size: int(1).default(49408),
  hidden_size: int(1, 16384).default(512),
  intermediate_size: int(1, 65536).default(2048),
  num_hidden_layers: int(1, 256).default(12),
  num_attention_heads: int(1, 256).default(8),
  max_position_embeddings: int(1, 4096).default(77),
  hidden_act: act.default('quick_gelu'),
  layer_norm_eps: z.number().positive().default(1e-5),
  bos_token_id: int(0).default(49406),
  eos_token_id: int(0).default(49407),
  pad_token_id: int(0).default(1),
})

const visionSchema = z.object({
  hidden_size: int(1, 16384).default(768),
  intermediate_size: int(1, 65536).default(3072),
  num_hidden_layers: int(1, 256).default(12),
  num_attention_heads: int(1, 256).default(12),
  num_channels: int(1, 16).default(3),
  image_size: int(1, 4096).default(224),
  patch_size: int(1, 4096).default(32),
  hidden_act: act.default('quick_gelu'),
  layer_norm_eps: z.number().positive().default(1e-5),
})

const clipSchema = z.object({
  model_type: z.string().optional(),
  projection_dim: int(1, 16384).default(512),
  logit_scale_init_value: z.number().default(2.6592),
  text_config: z.record(z.string(), z.unknown()).nullish(),
  vision_config: z.record(z.string(), z.unknown()).nullish(),
  text_config_dict: z.record(z.string(), z.unknown()).nullish(),
  vision_config_dict: z.record(z.string(), z.unknown()).nullish(),
})

function check<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const problems = r.error.issues.map((i) => `${[where, ...i.path].filter(Boolean).join('.')}: ${i.message}`)
  throw new Error(`invalid CLIP config: ${problems.join('; ')}`)
}

/** The most parameters a CLIP config may describe (ViT-bigG/14 has 2.5 G). */
export const MAX_CLIP_PARAMETERS = 4e9

/** The parameter count a config describes (weights and biases of every layer), cheap to compute before loading. */
export function clipParameterCount(c: ClipConfig): number {
  const block = (h: number, i: number): number => 4 * (h * h + h) + 2 * h * i + i + h + 4 * h
  const t = c.text
  const v = c.vision
  const patches = (v.imageSize / v.patchSize) ** 2
  const text = (t.vocabSize + t.maxPositionEmbeddings) * t.hiddenSize + t.numHiddenLayers * block(t.hiddenSize, t.intermediateSize) + 2 * t.hiddenSize
  const vision = v.numChannels * v.patchSize ** 2 * v.hiddenSize + (patches + 2) * v.hiddenSize + v.numHiddenLayers * block(v.hiddenSize, v.intermediateSize) + 4 * v.hiddenSize
  return text + vision + c.projectionDim * (t.hiddenSize + v.hiddenSize) + 1
}

/** Parses a CLIP `config.json` object. `source` (a path) prefixes error messages. */
export function parseClipConfig(json: unknown, source = 'config.json'): ClipConfig {
  try {
    const top = check(clipSchema, json, '')
    if (top.model_type && top.model_type !== 'clip') throw new Error(`model_type is "${top.model_type}", expected "clip" (a CLIPModel folder)`)
    const t = check(textSchema, { ...(top.text_config ?? {}), ...(top.text_config_dict ?? {}) }, 'text_config')
    const v = check(visionSchema, { ...(top.vision_config ?? {}), ...(top.vision_config_dict ?? {}) }, 'vision_config')
    if (t.hidden_size % t.num_attention_heads) throw new Error(`text_config: hidden_size ${t.hidden_size} is not divisible by num_attention_heads ${t.num_attention_heads}`)
    if (v.hidden_size % v.num_attention_heads) throw new Error(`vision_config: hidden_size ${v.hidden_size} is not divisible by num_attention_heads ${v.num_attention_heads}`)
    if (v.image_size % v.patch_size) throw new Error(`vision_config: image_size ${v.image_size} is not a multiple of patch_size ${v.patch_size}`)
    const config: ClipConfig = {
      projectionDim: top.projection_dim,
      logitScaleInitValue: top.logit_scale_init_value,
      text: {
        vocabSize: t.vocab_size,
        hiddenSize: t.hidden_size,
        intermediateSize: t.intermediate_size,
        numHiddenLayers: t.num_hidden_layers,
        numAttentionHeads: t.num_attention_heads,
        maxPositionEmbeddings: t.max_position_embeddings,
        hiddenAct: t.hidden_act,
        layerNormEps: t.layer_norm_eps,
        bosTokenId: t.bos_token_id,
        eosTokenId: t.eos_token_id,
        padTokenId: t.pad_token_id,
      },
      vision: {
        hiddenSize: v.hidden_size,
        intermediateSize: v.intermediate_size,
        numHiddenLayers: v.num_hidden_layers,
        numAttentionHeads: v.num_attention_heads,
        numChannels: v.num_channels,
        imageSize: v.image_size,
        patchSize: v.patch_size,
        hiddenAct: v.hidden_act,
        layerNormEps: v.layer_norm_eps,
      },
    }
    const parameters = clipParameterCount(config)
    if (parameters > MAX_CLIP_PARAMETERS) {
      throw new Error(`about ${(parameters / 1e9).toFixed(1)} G parameters (${((parameters * 4) / 2 ** 30).toFixed(1)} GiB as float32), more than the limit of ${MAX_CLIP_PARAMETERS / 1e9} G; is this the right config.json?`)
    }
    return config
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message}`, { cause: err })
  }
}

/** The `config.json` object transformers would write for `config` (used to save models and in tests). */
export function clipConfigToJson(config: ClipConfig): Record<string, unknown> {
  const t = config.text
  const v = config.vision
  return {
    architectures: ['CLIPModel'],
    model_type: 'clip',
    projection_dim: config.projectionDim,
    logit_scale_init_value: config.logitScaleInitValue,
    text_config: {
      model_type: 'clip_text_model',
      vocab_size: t.vocabSize,
      hidden_size: t.hiddenSize,
      intermediate_size: t.intermediateSize,
      num_hidden_layers: t.numHiddenLayers,
      num_attention_heads: t.numAttentionHeads,
      max_position_embeddings: t.maxPositionEmbeddings,
      hidden_act: t.hiddenAct,
      layer_norm_eps: t.layerNormEps,
      bos_token_id: t.bosTokenId,
      eos_token_id: t.eosTokenId,
      pad_token_id: t.padTokenId,
    },
    vision_config: {
      model_type: 'clip_vision_model',
      hidden_size: v.hiddenSize,
      intermediate_size: v.intermediateSize,
      num_hidden_layers: v.numHiddenLayers,
      num_attention_heads: v.numAttentionHeads,
      num_channels: v.numChannels,
      image_size: v.imageSize,
      patch_size: v.patchSize,
      hidden_act: v.hiddenAct,
      layer_norm_eps: v.layerNormEps,
    },
  }
}
