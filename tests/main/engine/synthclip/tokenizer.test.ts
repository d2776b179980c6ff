import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClipTokenizer } from '../../../../main/engine/clip/tokenization_clip'
import { allCaptions, allPrompts, clipNormalize, clipPreTokens, EXTRA_WORDS, templateTexts } from '../../../../main/engine/synthclip/corpus'
import { BOS_TOKEN, buildSynthTokenizer, EOS_TOKEN, writeTokenizerFiles, type SynthTokenizer } from '../../../../main/engine/synthclip/tokenizer_files'
import { tempDir } from '../../../helpers/temp-dir'

describe('SynthCLIP tokenizer files', () => {
  const dir = tempDir('synthclip-tok-')
  let built: SynthTokenizer
  let tok: ClipTokenizer

  beforeAll(() => {
    built = buildSynthTokenizer()
    writeTokenizerFiles(dir.path, built)
    tok = ClipTokenizer.fromFolder(dir.path)
  })
  afterAll(() => dir.remove())

  it('puts the start and end tokens at the last two ids and pads with the end token', () => {
    expect(tok.bosTokenId).toBe(built.vocabSize - 2)
    expect(tok.eosTokenId).toBe(built.vocabSize - 1)
    expect(tok.padTokenId).toBe(tok.eosTokenId)
    const vocab = JSON.parse(readFileSync(join(dir.path, 'vocab.json'), 'utf8')) as Record<string, number>
    expect(Object.keys(vocab)).toHaveLength(built.vocabSize)
    expect(new Set(Object.values(vocab)).size).toBe(built.vocabSize)
    expect(vocab[BOS_TOKEN]).toBe(built.vocabSize - 2)
    expect(vocab[EOS_TOKEN]).toBe(built.vocabSize - 1)
    const merges = readFileSync(join(dir.path, 'merges.txt'), 'utf8').trim().split('\n')
    expect(merges[0]).toBe('#version: 0.2')
    expect(merges).toHaveLength(built.bpe.merges.length + 1)
  })

  it('writes the CLIP pipeline into tokenizer.json', () => {
    const json = JSON.parse(readFileSync(join(dir.path, 'tokenizer.json'), 'utf8')) as Record<string, { type: string } & Record<string, unknown>>
    expect(json.normalizer!.type).toBe('Sequence')
    expect(json.pre_tokenizer!.type).toBe('Sequence')
    expect(json.post_processor!.type).toBe('RobertaProcessing')
    expect(json.model).toMatchObject({ type: 'BPE', end_of_word_suffix: '</w>', unk_token: EOS_TOKEN })
  })

  it('makes every word of the captions, prompts and templates a single token', () => {
    const words = new Set([...allCaptions(), ...allPrompts(), ...templateTexts(), ...EXTRA_WORDS].flatMap((t) => clipPreTokens(t)))
    const split = [...words].filter((w) => tok.encode(w).length !== 3)
    expect(split).toEqual([])
    expect(words.size).toBeGreaterThan(60)
  })

  it('round-trips captions and prompts (lower-cased, whitespace collapsed)', () => {
    const texts = [...allCaptions().slice(0, 50), ...allPrompts().filter((_, i) => i % 40 === 0), 'This is a video of Red Square   Sliding Left On Grass, starting at the left, then in the middle, then at the right.']
    for (const text of texts) {
      const ids = tok.encode(text)
      expect(ids[0]).toBe(tok.bosTokenId)
      expect(ids.at(-1)).toBe(tok.eosTokenId)
      expect(tok.decode(ids)).toBe(clipNormalize(text))
    }
    expect(tok.encode('a red square at the left on grass')).toHaveLength(2 + 8)
  })

  it('still tokenizes unseen words and non-ASCII text through bytes', () => {
    const ids = tok.encode('a zebra in café Zürich')
    expect(ids.length).toBeGreaterThan(2 + 5)
    expect(ids.slice(1, -1).every((id) => id < tok.bosTokenId)).toBe(true)
    expect(tok.decode(ids)).toBe('a zebra in café zürich')
  })

  it('pads and truncates to 77 like transformers', () => {
    const batch = tok.call(['a red square', 'word '.repeat(100)])
    expect(batch.inputIds.every((r) => r.length === 77)).toBe(true)
    expect(batch.attentionMask[0]!.reduce((a, b) => a + b, 0)).toBe(5)
    expect(batch.inputIds[1]!.at(-1)).toBe(tok.eosTokenId)
  })

  it('is deterministic', () => {
    const again = buildSynthTokenizer()
    expect(again.bpe.merges).toEqual(built.bpe.merges)
  })
})
