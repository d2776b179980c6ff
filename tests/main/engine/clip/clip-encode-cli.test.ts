import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clipEncodeCommand } from '../../../../main/cli/commands/clip-encode'
import { cliContext } from '../../../helpers/cli-context'
import { tempDir } from '../../../helpers/temp-dir'
import { useWasm } from '../../../helpers/tf'
import { encodePng } from '../io/png-encode'
import { writeTinyFolder } from './tiny'

const dir = tempDir()
afterAll(() => dir.remove())

beforeAll(async () => {
  await useWasm()
  writeTinyFolder(dir.path)
  // A 24×20 PNG: resized to a 16-px shortest edge and centre-cropped by the folder's preprocessor.
  const rows = Array.from({ length: 20 }, (_, y) => Uint8Array.from({ length: 24 * 3 }, (_, i) => (i * 7 + y * 13) & 0xff))
  writeFileSync(join(dir.path, 'a.png'), encodePng(24, 20, 8, 2, rows, [0, 1]))
  writeFileSync(join(dir.path, 'pixels.json'), JSON.stringify({ pixel_values: [Array.from({ length: 3 }, () => Array.from({ length: 16 }, () => Array(16).fill(0.1)))] }))
})

describe('stdd clip encode', () => {
  it('prints embeddings and exp(scale)·cosine logits for texts, image files and pixel arrays (--json)', async () => {
    const { ctx, out } = cliContext()
    const code = await clipEncodeCommand.run({ values: { model: dir.path, text: ['a cat', 'cat cat'], images: [join(dir.path, 'a.png')], pixels: join(dir.path, 'pixels.json'), json: true, backend: 'wasm' }, positionals: [] }, ctx)
    expect(code).toBe(0)
    const r = JSON.parse(out.join('\n')) as { textEmbeds: number[][]; imageEmbeds: number[][]; logitsPerImage: number[][]; logitScale: number; images: string[]; tokenCounts: number[] }
    expect(r.textEmbeds.map((e) => e.length)).toEqual([8, 8])
    expect(r.imageEmbeds.length).toBe(2)
    expect(r.images).toEqual([join(dir.path, 'a.png'), 'pixels[0]'])
    expect(r.tokenCounts).toEqual([4, 4])
    const cos = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b)
    r.imageEmbeds.forEach((img, i) => r.textEmbeds.forEach((txt, j) => expect(r.logitsPerImage[i]![j]).toBeCloseTo(Math.exp(r.logitScale) * cos(img, txt), 4)))
  })

  it('prints a readable table without --json, taking the words after --images as images', async () => {
    const { ctx, out } = cliContext()
    await clipEncodeCommand.run({ values: { model: dir.path, text: ['a cat'], images: [join(dir.path, 'a.png')], backend: 'wasm' }, positionals: [join(dir.path, 'a.png')] }, ctx)
    const text = out.join('\n')
    expect(text).toContain('text 0: "a cat" (4 tokens) → [')
    expect(text).toContain('image 1: ' + join(dir.path, 'a.png'))
    expect(text).toMatch(/logits per image: exp\(logit_scale = [-\d.]+\) · cosine/)
  })

  it('explains usage mistakes', async () => {
    const { ctx } = cliContext()
    await expect(clipEncodeCommand.run({ values: { text: ['x'] }, positionals: [] }, ctx)).rejects.toThrow('--model DIR is required')
    await expect(clipEncodeCommand.run({ values: { model: dir.path }, positionals: [] }, ctx)).rejects.toThrow('nothing to encode')
    await expect(clipEncodeCommand.run({ values: { model: dir.path, pixels: join(dir.path, 'config.json') }, positionals: [] }, ctx)).rejects.toThrow('expected a [N, 3, H, W] array')
    await expect(clipEncodeCommand.run({ values: { model: dir.path, text: ['x'] }, positionals: ['b.png'] }, ctx)).rejects.toThrow('image files go after --images')
  })
})
