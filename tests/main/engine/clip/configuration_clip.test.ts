import { describe, expect, it } from 'vitest'
import { clipConfigToJson, parseClipConfig } from '../../../../main/engine/clip/configuration_clip'
import { TINY_CONFIG_JSON } from './tiny'

describe('parseClipConfig', () => {
  it('maps config.json keys to typed options and fills transformers defaults', () => {
    const c = parseClipConfig(TINY_CONFIG_JSON)
    expect(c.vision).toMatchObject({ hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, imageSize: 16, patchSize: 8, hiddenAct: 'gelu', numChannels: 3, layerNormEps: 1e-5 })
    expect(c.text).toMatchObject({ vocabSize: 50, hiddenSize: 16, maxPositionEmbeddings: 12, hiddenAct: 'quick_gelu', eosTokenId: 2 })
    expect(c.projectionDim).toBe(8)
    const defaults = parseClipConfig({})
    expect(defaults.vision).toMatchObject({ hiddenSize: 768, patchSize: 32, imageSize: 224, numHiddenLayers: 12 })
    expect(defaults.text).toMatchObject({ hiddenSize: 512, numAttentionHeads: 8, vocabSize: 49408, eosTokenId: 49407 })
    expect(defaults.logitScaleInitValue).toBe(2.6592)
  })

  it('lets the legacy *_config_dict override *_config, as transformers does', () => {
    const c = parseClipConfig({ text_config: { hidden_size: 64, num_attention_heads: 4 }, text_config_dict: { hidden_size: 32 } })
    expect(c.text.hiddenSize).toBe(32)
    expect(c.text.numAttentionHeads).toBe(4)
  })

  it('round-trips through the config.json it writes', () => {
    const c = parseClipConfig(TINY_CONFIG_JSON)
    expect(parseClipConfig(clipConfigToJson(c))).toEqual(c)
  })

  it('names the key, the file and the choices on bad values', () => {
    expect(() => parseClipConfig({ vision_config: { hidden_act: 'swish' } }, '/m/config.json')).toThrow(
      '/m/config.json: invalid CLIP config: vision_config.hidden_act: hidden_act "swish" is not supported; choose one of quick_gelu, gelu, gelu_new, gelu_pytorch_tanh, relu',
    )
    expect(() => parseClipConfig({ text_config: { hidden_size: 30, num_attention_heads: 4 } })).toThrow('text_config: hidden_size 30 is not divisible by num_attention_heads 4')
    expect(() => parseClipConfig({ vision_config: { image_size: 30, patch_size: 16 } })).toThrow('image_size 30 is not a multiple of patch_size 16')
    expect(() => parseClipConfig({ model_type: 'siglip' })).toThrow('model_type is "siglip", expected "clip"')
    expect(() => parseClipConfig({ vision_config: { num_hidden_layers: 0 } })).toThrow('vision_config.num_hidden_layers')
  })
})
