/** Conversions between float32 and the 16-bit float formats of safetensors (F16, BF16). */

import { float16Bits, float16Value } from '../../../contract/map-encoding'

/** Float16 bits (Uint16Array) → Float32Array. */
export function decodeF16(src: Uint16Array): Float32Array {
  const table = new Float32Array(65536)
  for (let i = 0; i < 65536; i++) table[i] = float16Value(i)
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

/** Float32Array → float16 bits, rounding to nearest even (overflow → ±Infinity). */
export function encodeF16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length)
  for (let i = 0; i < src.length; i++) out[i] = float16Bits(src[i]!)
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
