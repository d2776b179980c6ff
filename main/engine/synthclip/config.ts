import type { ClipConfig } from '../clip/configuration_clip'
import { CLIP_MEAN, CLIP_STD } from '../data/sampling/transforms'
import { SYNTH_DEFAULT_SIZE } from '../data/synth/generate'
import { CONTEXT_LENGTH, type SynthTokenizer } from './tokenizer_files'

/**
 * The architecture of SynthCLIP, the built-in tiny CLIP of the SynthMotion world: a ViT with 8-px
 * patches on 64-px frames and a small causal text transformer, both 64 wide, meeting in a 64-d
 * embedding space. Sized to pretrain in minutes on one WASM core.
 */

export interface SynthClipSize {
  /** Frame side in pixels (SynthMotion renders 64; 32 is the cheaper option). */
  imageSize: number
  patchSize: number
  width: number
  layers: number
  heads: number
  projectionDim: number
}

export const SYNTH_CLIP_SIZE: SynthClipSize = { imageSize: SYNTH_DEFAULT_SIZE, patchSize: 8, width: 64, layers: 3, heads: 4, projectionDim: 64 }

/** CLIP's initial logit scale, ln(1/0.07). */
export const LOGIT_SCALE_INIT = 2.6592

/** The CLIP config of a SynthCLIP of `size` for `tokenizer` (new-style `eos_token_id`: the end-of-text id). */
export function synthClipConfig(tokenizer: SynthTokenizer, size: SynthClipSize = SYNTH_CLIP_SIZE): ClipConfig {
  if (size.imageSize % size.patchSize) throw new Error(`SynthCLIP: image size ${size.imageSize} is not a multiple of patch size ${size.patchSize}; choose a size divisible by ${size.patchSize}`)
  if (size.width % size.heads) throw new Error(`SynthCLIP: width ${size.width} is not divisible by ${size.heads} heads`)
  const tower = { hiddenSize: size.width, intermediateSize: 4 * size.width, numHiddenLayers: size.layers, numAttentionHeads: size.heads, hiddenAct: 'quick_gelu' as const, layerNormEps: 1e-5 }
  return {
    projectionDim: size.projectionDim,
    logitScaleInitValue: LOGIT_SCALE_INIT,
    text: { ...tower, vocabSize: tokenizer.vocabSize, maxPositionEmbeddings: CONTEXT_LENGTH, bosTokenId: tokenizer.bosTokenId, eosTokenId: tokenizer.eosTokenId, padTokenId: tokenizer.eosTokenId },
    vision: { ...tower, numChannels: 3, imageSize: size.imageSize, patchSize: size.patchSize },
  }
}

/** `preprocessor_config.json` as transformers' CLIPImageProcessor saves it, at the model's size. */
export function preprocessorConfigJson(imageSize: number): Record<string, unknown> {
  return {
    crop_size: { height: imageSize, width: imageSize },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [...CLIP_MEAN],
    image_processor_type: 'CLIPImageProcessor',
    image_std: [...CLIP_STD],
    resample: 3,
    rescale_factor: 1 / 255,
    size: { shortest_edge: imageSize },
  }
}
