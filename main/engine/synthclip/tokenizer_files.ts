import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { END_OF_WORD, trainBpe, type BpeModel } from './bpe_trainer'
import { CLIP_SPLIT_REGEX, corpusWordCounts } from './corpus'

/**
 * SynthCLIP's tokenizer as the files transformers' `CLIPTokenizer(Fast)` saves: `tokenizer.json`
 * (NFC + whitespace + lowercase normaliser, CLIP's split regex, byte-level pre-tokenizer, BPE with
 * `</w>`, RobertaProcessing), `vocab.json`, `merges.txt`, `tokenizer_config.json` and
 * `special_tokens_map.json`. `<|startoftext|>` and `<|endoftext|>` take the last two ids, as in CLIP.
 */

export const BOS_TOKEN = '<|startoftext|>'
export const EOS_TOKEN = '<|endoftext|>'
/** The longest sequence the tokenizer pads to (CLIP's context length). */
export const CONTEXT_LENGTH = 77

export interface SynthTokenizer {
  bpe: BpeModel
  /** Full vocabulary size, special tokens included. */
  vocabSize: number
  bosTokenId: number
  eosTokenId: number
}

/** Trains the BPE on SynthMotion's captions and prompts (deterministic). */
export function buildSynthTokenizer(): SynthTokenizer {
  const bpe = trainBpe(corpusWordCounts())
  const bosTokenId = bpe.vocab.size
  return { bpe, vocabSize: bosTokenId + 2, bosTokenId, eosTokenId: bosTokenId + 1 }
}

function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }
}

/** The vocabulary with the special tokens, as `vocab.json` and the BPE model hold it. */
export function fullVocab(tok: SynthTokenizer): Record<string, number> {
  return { ...Object.fromEntries(tok.bpe.vocab), [BOS_TOKEN]: tok.bosTokenId, [EOS_TOKEN]: tok.eosTokenId }
}

/** `tokenizer.json`, laid out as the one of openai/clip-vit-base-patch32. */
export function tokenizerJson(tok: SynthTokenizer): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [addedToken(tok.bosTokenId, BOS_TOKEN), addedToken(tok.eosTokenId, EOS_TOKEN)],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_SPLIT_REGEX }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: [EOS_TOKEN, tok.eosTokenId], cls: [BOS_TOKEN, tok.bosTokenId], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: EOS_TOKEN,
      continuing_subword_prefix: '',
      end_of_word_suffix: END_OF_WORD,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: fullVocab(tok),
      merges: tok.bpe.merges.map(([a, b]) => `${a} ${b}`),
    },
  }
}

/** `tokenizer_config.json` as transformers writes it for CLIPTokenizer. */
export function tokenizerConfigJson(tok: SynthTokenizer): Record<string, unknown> {
  const entry = (content: string): Record<string, unknown> => ({ content, lstrip: false, normalized: true, rstrip: false, single_word: false, special: true })
  return {
    add_prefix_space: false,
    added_tokens_decoder: { [String(tok.bosTokenId)]: entry(BOS_TOKEN), [String(tok.eosTokenId)]: entry(EOS_TOKEN) },
    bos_token: BOS_TOKEN,
    clean_up_tokenization_spaces: true,
    do_lower_case: true,
    eos_token: EOS_TOKEN,
    errors: 'replace',
    model_max_length: CONTEXT_LENGTH,
    pad_token: EOS_TOKEN,
    tokenizer_class: 'CLIPTokenizer',
    unk_token: EOS_TOKEN,
  }
}

export function specialTokensMapJson(): Record<string, unknown> {
  const t = (content: string): Record<string, unknown> => ({ content, lstrip: false, normalized: true, rstrip: false, single_word: false })
  return { bos_token: t(BOS_TOKEN), eos_token: t(EOS_TOKEN), pad_token: EOS_TOKEN, unk_token: t(EOS_TOKEN) }
}

const json = (value: unknown): string => JSON.stringify(value, null, 2) + '\n'

/** Writes the five tokenizer files into `dir` (which must exist). */
export function writeTokenizerFiles(dir: string, tok: SynthTokenizer): void {
  writeFileSync(join(dir, 'tokenizer.json'), json(tokenizerJson(tok)))
  writeFileSync(join(dir, 'vocab.json'), json(fullVocab(tok)))
  writeFileSync(join(dir, 'merges.txt'), ['#version: 0.2', ...tok.bpe.merges.map(([a, b]) => `${a} ${b}`)].join('\n') + '\n')
  writeFileSync(join(dir, 'tokenizer_config.json'), json(tokenizerConfigJson(tok)))
  writeFileSync(join(dir, 'special_tokens_map.json'), json(specialTokensMapJson()))
}
