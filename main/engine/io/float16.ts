/** Conversions between float32 and the 16-bit float formats of safetensors (F16, BF16). */

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** IEEE binary16 bits → number. */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >> 10) & 0x1f
  const frac = h & 0x3ff
  if (exp === 0) return sign * frac * 2 ** -24 // zero and subnormals
  if (exp === 0x1f) return frac ? NaN : sign * Infinity
  return sign * (1 + frac / 1024) * 2 ** (exp - 15)
}

/** number → IEEE binary16 bits, rounding to nearest even (overflow → ±Infinity). */
export function f32ToF16(value: number): number {
  f32[0] = value
  const x = u32[0]!
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  let frac = x & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (frac ? 0x200 : 0)
  let e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    frac |= 0x800000
    const shift = 14 - e
    let half = frac >>> shift
    const rest = frac & ((1 << shift) - 1)
    const mid = 1 << (shift - 1)
    if (rest > mid || (rest === mid && half & 1)) half++
    return sign | half
  }
  let half = frac >>> 13
  const rest = frac & 0x1fff
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) {
    half++
    if (half === 0x400) {
      half = 0
      e++
      if (e >= 0x1f) return sign | 0x7c00
    }
  }
  return sign | (e << 10) | half
}

/** Float16 bits (Uint16Array) → Float32Array. */
export function decodeF16(src: Uint16Array): Float32Array {
  const table = new Float32Array(65536)
  for (let i = 0; i < 65536; i++) table[i] = f16ToF32(i)
  const out = new Float32Array(src.length)
  for (let i = 0; i < src.length; i++) out[i] = table[src[i]!]!
  return out
}

/** bfloat16 bits (Uint16Array) → Float32Array: the high half of a float32. */
export function decodeBF16(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length)
  const bits = new Uint32Array(out.buffer)
  for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16
  return out
}

export function encodeF16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length)
  for (let i = 0; i < src.length; i++) out[i] = f32ToF16(src[i]!)
  return out
}

/** Float32Array → bfloat16 bits, rounding to nearest even (NaN stays NaN). */
export function encodeBF16(src: Float32Array): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length)
  const out = new Uint16Array(src.length)
  for (let i = 0; i < src.length; i++) {
    const x = bits[i]!
    if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) out[i] = (x >>> 16) | 0x40
    else out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16
  }
  return out
}
