import { inflateSync } from 'node:zlib'

/** An 8-bit RGB image, rows top to bottom, `data` = width·height·3 interleaved bytes. */
export interface RgbImage {
  width: number
  height: number
  data: Uint8Array
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10]
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/**
 * Decodes a non-interlaced PNG (grey, grey+alpha, RGB, RGBA, palette; 1–16 bits) to 8-bit RGB.
 * Alpha is dropped, as Pillow's `convert("RGB")` does; 16-bit samples keep their high byte.
 */
export function decodePng(file: Uint8Array, name = 'image'): RgbImage {
  if (file.length < 8 || SIGNATURE.some((b, i) => file[i] !== b)) throw new Error(`${name}: not a PNG file`)
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  let pos = 8
  let width = 0
  let height = 0
  let depth = 0
  let colour = 0
  let palette: Uint8Array | null = null
  const idat: Uint8Array[] = []
  while (pos + 8 <= file.length) {
    const len = view.getUint32(pos)
    const type = String.fromCharCode(...file.subarray(pos + 4, pos + 8))
    const body = file.subarray(pos + 8, pos + 8 + len)
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8)
      height = view.getUint32(pos + 12)
      depth = body[8]!
      colour = body[9]!
      if (body[12] !== 0) throw new Error(`${name}: interlaced PNG is not supported; re-save it without interlacing`)
      if (!(colour in CHANNELS) || ![1, 2, 4, 8, 16].includes(depth)) throw new Error(`${name}: unsupported PNG colour type ${colour} / bit depth ${depth}`)
    } else if (type === 'PLTE') palette = body
    else if (type === 'IDAT') idat.push(body)
    else if (type === 'IEND') break
    pos += 12 + len
  }
  if (!width || !height || idat.length === 0) throw new Error(`${name}: incomplete PNG (no IHDR or IDAT)`)
  if (colour === 3 && !palette) throw new Error(`${name}: palette PNG without a PLTE chunk`)
  const raw = inflateSync(Buffer.concat(idat))
  const channels = CHANNELS[colour]!
  const bitsPerPixel = channels * depth
  const stride = Math.ceil((width * bitsPerPixel) / 8)
  const bpp = Math.max(1, bitsPerPixel >> 3)
  if (raw.length < height * (stride + 1)) throw new Error(`${name}: PNG data is truncated`)
  const rows = new Uint8Array(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    const out = rows.subarray(y * stride, (y + 1) * stride)
    if (filter > 4) throw new Error(`${name}: bad PNG filter type ${filter} in row ${y}`)
    const prev = y > 0 ? rows.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride)
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[i - bpp]! : 0
      const b = prev[i]!
      const c = i >= bpp ? prev[i - bpp]! : 0
      const x = src[i]!
      out[i] = (filter === 0 ? x : filter === 1 ? x + a : filter === 2 ? x + b : filter === 3 ? x + ((a + b) >> 1) : x + paeth(a, b, c)) & 0xff
    }
  }
  const sample = (y: number, x: number, ch: number): number => {
    const row = y * stride
    if (depth === 8) return rows[row + x * channels + ch]!
    if (depth === 16) return rows[row + (x * channels + ch) * 2]!
    const bit = (x * channels + ch) * depth
    const v = (rows[row + (bit >> 3)]! >> (8 - depth - (bit & 7))) & ((1 << depth) - 1)
    return colour === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1))
  }
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3
      if (colour === 3) {
        const idx = sample(y, x, 0) * 3
        data.set(palette!.subarray(idx, idx + 3), o)
      } else if (colour === 0 || colour === 4) {
        data.fill(sample(y, x, 0), o, o + 3)
      } else {
        for (let c = 0; c < 3; c++) data[o + c] = sample(y, x, c)
      }
    }
  }
  return { width, height, data }
}
