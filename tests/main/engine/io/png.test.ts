import { describe, expect, it } from 'vitest'
import { decodePng } from '../../../../main/engine/io/png'
import { encodePng } from './png-encode'

describe('decodePng', () => {
  const w = 5
  const h = 4
  const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37 + 11) & 0xff)
  const rowsOf = (data: Uint8Array, stride: number): Uint8Array[] => Array.from({ length: h }, (_, y) => data.subarray(y * stride, (y + 1) * stride))

  it('decodes 8-bit RGB with every filter type (None, Sub, Up, Average, Paeth)', () => {
    const img = decodePng(encodePng(w, h, 8, 2, rowsOf(rgb, w * 3), [0, 1, 2, 3, 4]))
    expect(img.width).toBe(w)
    expect(img.height).toBe(h)
    expect([...img.data]).toEqual([...rgb])
    expect([...decodePng(encodePng(w, h, 8, 2, rowsOf(rgb, w * 3), [4, 3])).data]).toEqual([...rgb])
  })

  it('drops alpha, expands grey, reads palettes and 16-bit samples', () => {
    const rgba = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 7 : rgb[Math.floor(i / 4) * 3 + (i % 4)]!))
    expect([...decodePng(encodePng(w, h, 8, 6, rowsOf(rgba, w * 4), [1, 4])).data]).toEqual([...rgb])
    const grey = Uint8Array.from({ length: w * h }, (_, i) => i * 9)
    expect([...decodePng(encodePng(w, h, 8, 0, rowsOf(grey, w), [2])).data]).toEqual([...grey].flatMap((g) => [g, g, g]))
    // 4-bit palette: two pixels per byte, high nibble first.
    const idx = Array.from({ length: w * h }, (_, i) => i % 3)
    const packed = Array.from({ length: h }, (_, y) => Uint8Array.from({ length: 3 }, (_, b) => ((idx[y * w + 2 * b] ?? 0) << 4) | (2 * b + 1 < w ? idx[y * w + 2 * b + 1]! : 0)))
    const palette = [255, 0, 0, 0, 255, 0, 0, 0, 255]
    expect([...decodePng(encodePng(w, h, 4, 3, packed, [0], palette)).data]).toEqual(idx.flatMap((i) => palette.slice(i * 3, i * 3 + 3)))
    const rgb16 = Uint8Array.from({ length: w * h * 6 }, (_, i) => (i % 2 === 0 ? rgb[i >> 1]! : 0x55))
    expect([...decodePng(encodePng(w, h, 16, 2, rowsOf(rgb16, w * 6), [1])).data]).toEqual([...rgb])
  })

  it('rejects what it cannot read, saying why', () => {
    expect(() => decodePng(Buffer.from('GIF89a....'), 'x.gif')).toThrow('x.gif: not a PNG file')
    const png = encodePng(w, h, 8, 2, rowsOf(rgb, w * 3), [0])
    png[8 + 8 + 12] = 1 // IHDR interlace byte
    expect(() => decodePng(png, 'i.png')).toThrow('i.png: interlaced PNG is not supported')
  })
})
