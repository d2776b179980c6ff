import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ClipTokenizer } from '../../../../main/engine/clip/tokenization_clip'
import { tempDir } from '../../../helpers/temp-dir'
import { tinyTokenizerJson } from './tiny'

const dirs: { remove(): void }[] = []
afterAll(() => dirs.forEach((d) => d.remove()))

function folder(config: object | null): string {
  const d = tempDir()
  dirs.push(d)
  writeFileSync(join(d.path, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()))
  if (config) writeFileSync(join(d.path, 'tokenizer_config.json'), JSON.stringify(config))
  return d.path
}

describe('ClipTokenizer', () => {
  const tok = ClipTokenizer.fromFolder(folder({ model_max_length: 77, pad_token: '<|endoftext|>', eos_token: '<|endoftext|>', bos_token: '<|startoftext|>' }))
  const { bosTokenId: sot, eosTokenId: eot } = tok

  it('adds start/end tokens, lower-cases, merges, and decodes back', () => {
    const ids = tok.encode('A  CAT')
    // "a</w>" is byte 97's end-of-word entry (256 + 97); "cat</w>" (513) is one merged token.
    expect(ids).toEqual([sot, 256 + 97, 513, eot])
    expect(tok.decode(ids)).toBe('a cat')
  })

  it('pads with the end-of-text id to 77 and masks the padding', () => {
    const b = tok.call(['cat', ''])
    expect(b.inputIds.map((r) => r.length)).toEqual([77, 77])
    expect(b.inputIds[0]!.slice(0, 4)).toEqual([sot, 513, eot, eot])
    expect(b.inputIds[1]!.slice(0, 3)).toEqual([sot, eot, eot])
    expect(b.attentionMask[0]!.slice(0, 4)).toEqual([1, 1, 1, 0])
    expect(b.attentionMask[1]!.reduce((a, v) => a + v, 0)).toBe(2)
    expect(new Set(b.inputIds[0]!.slice(3))).toEqual(new Set([eot]))
  })

  it('truncates to 76 tokens plus end-of-text, as transformers does', () => {
    const long = Array(100).fill('cat').join(' ')
    const b = tok.call([long])
    expect(tok.encode(long).length).toBe(102)
    expect(b.inputIds[0]).toEqual([sot, ...Array(75).fill(513), eot])
    expect(b.attentionMask[0]).toEqual(Array(77).fill(1))
    expect(tok.call([long], 10).inputIds[0]).toEqual([sot, ...Array(8).fill(513), eot])
  })

  it('caps the length at the text tower positions and defaults the pad token to end-of-text', () => {
    const t = ClipTokenizer.fromFolder(folder({ model_max_length: 1e30 }), 12)
    expect(t.maxLength).toBe(12)
    expect(t.padTokenId).toBe(t.eosTokenId)
    expect(ClipTokenizer.fromFolder(folder(null)).maxLength).toBe(77)
  })

  it('says what is missing', () => {
    const d = tempDir()
    dirs.push(d)
    expect(() => ClipTokenizer.fromFolder(d.path)).toThrow('no tokenizer.json')
    expect(() => ClipTokenizer.fromFolder(folder({ pad_token: '<pad>' }))).toThrow('the padding token "<pad>" is not in the vocabulary')
  })
})
