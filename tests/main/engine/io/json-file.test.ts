import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ClipModel } from '../../../../main/engine/clip/modeling_clip_model'
import { ClipTokenizer } from '../../../../main/engine/clip/tokenization_clip'
import { readJsonFile } from '../../../../main/engine/io/json-file'
import { tempDir } from '../../../helpers/temp-dir'

/** Issue 19, F13: a broken JSON file of a model folder is named, with a position, and its bytes are never quoted. */

describe('JSON files of a model folder', () => {
  it('a broken config.json or tokenizer.json is named with line and column, without quoting its bytes', () => {
    const dir = tempDir()
    try {
      const model = join(dir.path, 'model')
      mkdirSync(model)
      writeFileSync(join(model, 'config.json'), '{\n  "projection_dim": 512,\n  "secret-token-xyz" oops\n}')
      writeFileSync(join(model, 'tokenizer.json'), '\u0000\u0001binary-secret-xyz\u00ff')
      const configError = (() => {
        try {
          ClipModel.fromPretrained(model)
        } catch (err) {
          return (err as Error).message
        }
        return ''
      })()
      expect(configError).toBe(`${join(model, 'config.json')}: not valid JSON (at line 3, column 22); is this the CLIP config.json?`)
      expect(() => ClipTokenizer.fromFolder(model)).toThrow(new RegExp(`^${join(model, 'tokenizer.json')}: not valid JSON \\(at line 1, column 1\\); is this the tokenizer.json\\?$`))
      writeFileSync(join(model, 'tokenizer.json'), '{"model": {')
      expect(() => ClipTokenizer.fromFolder(model)).toThrow(`${join(model, 'tokenizer.json')}: not valid JSON`)
      for (const f of ['config.json', 'tokenizer.json']) {
        try {
          readJsonFile(join(model, f), f)
        } catch (err) {
          expect((err as Error).message.replace(model, '')).not.toMatch(/secret|oops|model"/)
        }
      }
    } finally {
      dir.remove()
    }
  })

  it('refuses a file over its bound and a device without reading it', () => {
    const dir = tempDir()
    try {
      writeFileSync(join(dir.path, 'big.json'), `[${'1,'.repeat(600)}1]`)
      expect(() => readJsonFile(join(dir.path, 'big.json'), 'config.json', 1000)).toThrow(/bytes is larger than the 1000-byte limit for a config\.json/)
      expect(() => readJsonFile('/dev/zero', 'config.json')).toThrow('/dev/zero: not a regular file')
    } finally {
      dir.remove()
    }
  })
})
