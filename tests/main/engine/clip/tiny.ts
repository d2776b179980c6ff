import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { clipConfigToJson, parseClipConfig, type ClipConfig } from '../../../../main/engine/clip/configuration_clip'
import { clipWeightSpecs, type TensorSource } from '../../../../main/engine/clip/weights_clip'
import { writeSafetensors } from '../../../../main/engine/io/safetensors_write'
import { randomValues } from '../tf/numeric-grad'

/** A tiny CLIP config (two layers per tower) in config.json form. */
export const TINY_CONFIG_JSON = {
  model_type: 'clip',
  projection_dim: 8,
  text_config: { vocab_size: 50, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 2, max_position_embeddings: 12, eos_token_id: 2 },
  vision_config: { hidden_size: 16, intermediate_size: 32, num_hidden_layers: 2, num_attention_heads: 4, image_size: 16, patch_size: 8, hidden_act: 'gelu' },
}

export function tinyConfig(): ClipConfig {
  return parseClipConfig(TINY_CONFIG_JSON)
}

/** Random weights for every parameter of `config` (layer-norm weights near 1), by name. */
export function randomSource(config: ClipConfig, seed = 1): TensorSource & { names(): string[]; data: Map<string, { shape: number[]; values: Float32Array }> } {
  const data = new Map(
    clipWeightSpecs(config).map((s, i) => {
      const n = s.shape.reduce((a, b) => a * b, 1)
      const v = randomValues(n, seed * 1000 + i).map((x) => (/norm\d?\.weight$|layrnorm\.weight$|layernorm\.weight$/.test(s.name) ? 1 + 0.2 * x : 0.5 * x))
      return [s.name, { shape: s.shape, values: v }]
    }),
  )
  return {
    data,
    names: () => [...data.keys()],
    has: (n) => data.has(n),
    info: (n) => ({ shape: data.get(n)!.shape }),
    readFloat32: (n) => data.get(n)!.values,
  }
}

/** GPT-2 / CLIP byte → printable character table. */
function bytesToUnicode(): string[] {
  const keep = [...Array(256).keys()].filter((b) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255))
  let extra = 0
  return [...Array(256).keys()].map((b) => String.fromCharCode(keep.includes(b) ? b : 256 + extra++))
}

/** A CLIP-shaped tokenizer.json with one merge ("c" "at</w>" → "cat</w>") and no other words. */
export function tinyTokenizerJson(): object {
  const chars = bytesToUnicode()
  const vocab: Record<string, number> = {}
  chars.forEach((c) => (vocab[c] = Object.keys(vocab).length))
  chars.forEach((c) => (vocab[c + '</w>'] = Object.keys(vocab).length))
  vocab['at</w>'] = Object.keys(vocab).length
  vocab['cat</w>'] = Object.keys(vocab).length
  vocab['<|startoftext|>'] = Object.keys(vocab).length
  vocab['<|endoftext|>'] = Object.keys(vocab).length
  const sot = vocab['<|startoftext|>']!
  const eot = vocab['<|endoftext|>']!
  return {
    version: '1.0',
    added_tokens: [
      { id: sot, content: '<|startoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: eot, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: ['<|endoftext|>', eot], cls: ['<|startoftext|>', sot], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: '<|endoftext|>', continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab, merges: ['a t</w>', 'c at</w>'] },
  }
}

/**
 * A complete tiny CLIP folder as transformers lays it out (config.json, model.safetensors,
 * tokenizer.json, tokenizer_config.json, preprocessor_config.json), random weights; the vocabulary
 * is the tiny tokenizer's (516 ids).
 */
export function writeTinyFolder(dir: string): ClipConfig {
  const config = parseClipConfig({ ...TINY_CONFIG_JSON, text_config: { ...TINY_CONFIG_JSON.text_config, vocab_size: 516 } })
  const src = randomSource(config, 3)
  writeFileSync(join(dir, 'config.json'), JSON.stringify(clipConfigToJson(config)))
  writeSafetensors(join(dir, 'model.safetensors'), src.names().map((name) => ({ name, shape: src.info(name).shape, data: src.readFloat32(name) })))
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()))
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 77, pad_token: '<|endoftext|>' }))
  writeFileSync(join(dir, 'preprocessor_config.json'), JSON.stringify({ size: { shortest_edge: 16 }, crop_size: { height: 16, width: 16 }, resample: 3 }))
  return config
}
