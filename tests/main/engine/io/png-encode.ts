import { deflateSync } from 'node:zlib'
import * as zlib from 'node:zlib'

function chunk(type: string, body: Uint8Array): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(body.length)
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body])
  const crc = Buffer.alloc(4)
  const crc32 = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32
  crc.writeUInt32BE(crc32 ? crc32(typed) >>> 0 : 0)
  return Buffer.concat([len, typed, crc])
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)]
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** A minimal PNG encoder: raw scanlines (already packed) filtered with the given filter per row. */
export function encodePng(width: number, height: number, depth: number, colour: number, rows: Uint8Array[], filters: number[], palette?: number[]): Buffer {
  const bpp = Math.max(1, (depth * ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colour]!) >> 3)
  const filtered = rows.map((row, y) => {
    const prev = y > 0 ? rows[y - 1]! : new Uint8Array(row.length)
    const f = filters[y % filters.length]!
    const out = new Uint8Array(row.length + 1)
    out[0] = f
    for (let i = 0; i < row.length; i++) {
      const a = i >= bpp ? row[i - bpp]! : 0
      const b = prev[i]!
      const c = i >= bpp ? prev[i - bpp]! : 0
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f]!
      out[i + 1] = (row[i]! - pred) & 0xff
    }
    return out
  })
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = depth
  ihdr[9] = colour
  const parts = [Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr)]
  if (palette) parts.push(chunk('PLTE', Uint8Array.from(palette)))
  const data = deflateSync(Buffer.concat(filtered))
  parts.push(chunk('IDAT', data.subarray(0, 10)), chunk('IDAT', data.subarray(10)), chunk('IEND', new Uint8Array()))
  return Buffer.concat(parts)
}
