import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { crc32, encodePng } from '../../../../main/engine/eval/png'
import { topK } from '../../../../main/engine/eval/set-capture'
import { frameStrip } from '../../../../main/engine/eval/video-maps'

/** Splits a PNG into its chunks, checking each CRC. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  const out: { type: string; data: Buffer }[] = []
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at)
    const type = png.subarray(at + 4, at + 8).toString('latin1')
    const data = png.subarray(at + 8, at + 8 + len)
    expect(png.readUInt32BE(at + 8 + len)).toBe(crc32(png.subarray(at + 4, at + 8 + len)))
    out.push({ type, data })
    at += 12 + len
  }
  return out
}

describe('the PNG encoder', () => {
  it('computes the standard CRC-32 (check value of "123456789")', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
  })

  it('writes a valid 8-bit RGB PNG whose rows decode back to the pixels', () => {
    const rgb = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => (i * 37) % 256) // 3 × 2 pixels
    const png = encodePng(rgb, 3, 2)
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const parts = chunks(png)
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND'])
    expect([parts[0]!.data.readUInt32BE(0), parts[0]!.data.readUInt32BE(4), ...parts[0]!.data.subarray(8)]).toEqual([3, 2, 8, 2, 0, 0, 0])
    const raw = inflateSync(parts[1]!.data)
    expect(raw.length).toBe(2 * (1 + 9))
    expect([raw[0], raw[10]]).toEqual([0, 0]) // filter "none"
    expect([...raw.subarray(1, 10), ...raw.subarray(11, 20)]).toEqual([...rgb])
  })

  it('refuses a buffer that does not match the size', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 1)).toThrow(/5 bytes for a 2 × 1 RGB image \(needs 6\)/)
    expect(() => encodePng(new Uint8Array(0), 0, 1)).toThrow(/at least 1 × 1/)
  })
})

describe('evaluation capture helpers', () => {
  it('lays the frames of view 0 side by side, undoing the CLIP normalisation', () => {
    // [V=2, T=2, H=1, W=2, 3]; view 0 frame t pixel x channel c = (t, x, c) coded; view 1 must be ignored.
    const geometry = { imageSize: 2, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }
    const data = new Float32Array(2 * 2 * 1 * 2 * 3).fill(99)
    const value = (t: number, x: number, c: number) => (t * 6 + x * 3 + c) / 11 // in [0, 1], never k + ½ once scaled to 255
    for (let t = 0; t < 2; t++) for (let x = 0; x < 2; x++) for (let c = 0; c < 3; c++) data[(t * 2 + x) * 3 + c] = (value(t, x, c) - 0.5) / 0.25
    const strip = frameStrip({ label: 0, data, shape: [2, 2, 1, 2, 3] }, geometry)
    expect([strip.width, strip.height, strip.frames]).toEqual([4, 1, 2])
    const expected: number[] = []
    for (let t = 0; t < 2; t++) for (let x = 0; x < 2; x++) for (let c = 0; c < 3; c++) expected.push(Math.round(255 * value(t, x, c)))
    expect([...strip.rgb]).toEqual(expected)
  })

  it('ranks the top-k scores, ties to the lower class', () => {
    expect(topK([0.1, 0.9, 0.5, 0.9], 3)).toEqual([{ classIndex: 1, score: 0.9 }, { classIndex: 3, score: 0.9 }, { classIndex: 2, score: 0.5 }])
  })
})
