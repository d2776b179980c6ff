/**
 * How the evaluator stores a video's maps compactly, and how a reader gets the values back; the
 * engine encodes and the renderer decodes with these same functions (zod-free, so both sides import it).
 *
 * - `float16`: IEEE half precision, little-endian (frame × prompt scores: ≈3 significant digits,
 *   enough to rank a frame's prompts; a λ·cos of 25 is kept to ±0.008).
 * - `uint8`: `min + q · (max − min) / 255` (attention: a picture, to ±(max − min)/510).
 * - `float32`: little-endian, as maps were stored before they were compacted.
 */
export type MapEncoding = { dtype: 'float32' } | { dtype: 'float16' } | { dtype: 'uint8'; min: number; max: number }

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** The half-precision bits of a number, rounded to nearest, ties to even; beyond ±65504 it is ±Infinity. */
export function float16Bits(value: number): number {
  f32[0] = value
  const x = u32[0]!
  const sign = (x >>> 16) & 0x8000
  const exponent = (x >>> 23) & 0xff
  const mantissa = x & 0x7fffff
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0)
  const e = exponent - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    // A subnormal half: the mantissa with its leading 1, shifted into 2^-24 units.
    if (e < -10) return sign
    const full = mantissa | 0x800000
    const shift = 14 - e
    const rest = full & ((1 << shift) - 1)
    const half = 1 << (shift - 1)
    const bits = full >>> shift
    return sign | (rest > half || (rest === half && bits & 1) ? bits + 1 : bits)
  }
  const bits = (e << 10) | (mantissa >>> 13)
  const rest = mantissa & 0x1fff
  // A carry out of the mantissa correctly bumps the exponent (to Infinity past 65504).
  return sign | (rest > 0x1000 || (rest === 0x1000 && bits & 1) ? bits + 1 : bits)
}

/** The number a half-precision bit pattern stands for. */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const e = (bits >>> 10) & 0x1f
  const m = bits & 0x3ff
  if (e === 0) return sign * m * 2 ** -24
  if (e === 0x1f) return m ? NaN : sign * Infinity
  return sign * (1 + m / 1024) * 2 ** (e - 15)
}

/** Values as little-endian float16 bytes. */
export function encodeFloat16(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(2 * values.length)
  for (let i = 0; i < values.length; i++) {
    const b = float16Bits(values[i]!)
    out[2 * i] = b & 0xff
    out[2 * i + 1] = b >>> 8
  }
  return out
}

/** Values quantised to 0…255 between their own min and max (all 0 when they are all equal). */
export function encodeUint8(values: ArrayLike<number>): { bytes: Uint8Array; encoding: MapEncoding & { dtype: 'uint8' } } {
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]!)
    max = Math.max(max, values[i]!)
  }
  if (values.length === 0) [min, max] = [0, 0]
  const span = max - min
  const bytes = Uint8Array.from({ length: values.length }, (_, i) => (span > 0 ? Math.round((255 * (values[i]! - min)) / span) : 0))
  return { bytes, encoding: { dtype: 'uint8', min, max } }
}

const BYTES_PER_VALUE: Record<MapEncoding['dtype'], number> = { float32: 4, float16: 2, uint8: 1 }

/** A stored map's values; throws naming the sizes when the bytes do not fit the encoding or the expected count. */
export function decodeMap(bytes: Uint8Array, encoding: MapEncoding, expected?: number): Float32Array {
  const per = BYTES_PER_VALUE[encoding.dtype]
  if (bytes.byteLength % per !== 0) throw new Error(`a ${encoding.dtype} map of ${bytes.byteLength} bytes (not a multiple of ${per})`)
  const n = bytes.byteLength / per
  if (expected !== undefined && n !== expected) throw new Error(`a ${encoding.dtype} map of ${n} values where ${expected} were expected`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Float32Array(n)
  if (encoding.dtype === 'float32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true)
  else if (encoding.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = float16Value(view.getUint16(2 * i, true))
  else {
    const step = (encoding.max - encoding.min) / 255
    for (let i = 0; i < n; i++) out[i] = encoding.min + bytes[i]! * step
  }
  return out
}
