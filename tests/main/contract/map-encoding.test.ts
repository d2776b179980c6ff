import { describe, expect, it } from 'vitest'
import { decodeMap, encodeFloat16, encodeUint8, float16Bits, float16Value } from '../../../contract/map-encoding'

describe('the compact map encodings', () => {
  it('gives the IEEE half-precision bits of hand-checked values', () => {
    expect(float16Bits(1)).toBe(0x3c00)
    expect(float16Bits(-2)).toBe(0xc000)
    expect(float16Bits(0.5)).toBe(0x3800)
    expect(float16Bits(65504)).toBe(0x7bff) // the largest half
    expect(float16Bits(1e6)).toBe(0x7c00) // beyond it: Infinity
    expect(float16Bits(2 ** -24)).toBe(0x0001) // the smallest subnormal
    expect(float16Bits(2 ** -26)).toBe(0x0000) // under half of it: zero
    expect(float16Bits(-0)).toBe(0x8000)
    expect(float16Bits(NaN) & 0x7e00).toBe(0x7e00)
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00)
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02)
    // 1/3 = 0x3555 (0.333251953125).
    expect(float16Bits(1 / 3)).toBe(0x3555)
    // A mantissa that rounds up past 0x3ff carries into the exponent: 2047.6 → 2048; 65520 (a tie) → Infinity.
    expect(float16Bits(2047.6)).toBe(0x6800)
    expect(float16Bits(65520)).toBe(0x7c00)
    // Subnormal ties go to even too: 2^-25 → 0, 3·2^-25 → 2·2^-24.
    expect(float16Bits(2 ** -25)).toBe(0x0000)
    expect(float16Bits(3 * 2 ** -25)).toBe(0x0002)
    expect(float16Bits(-Infinity)).toBe(0xfc00)
  })

  it('reads half-precision bits back', () => {
    expect(float16Value(0x3c00)).toBe(1)
    expect(float16Value(0xc000)).toBe(-2)
    expect(float16Value(0x3555)).toBe(0.333251953125)
    expect(float16Value(0x0001)).toBe(2 ** -24)
    expect(float16Value(0x7bff)).toBe(65504)
    expect(float16Value(0x03ff)).toBe(1023 * 2 ** -24) // the largest subnormal
    expect(float16Value(0x7c00)).toBe(Infinity)
    expect(float16Value(0xfc00)).toBe(-Infinity)
    expect(float16Value(0x7e00)).toBeNaN()
  })

  it('round-trips scores through float16 within half a unit in the last place', () => {
    const scores = [25.3, -3.75, 0.1234, 17.001, 100]
    const back = decodeMap(encodeFloat16(scores), { dtype: 'float16' }, scores.length)
    // At 16…32 a half's step is 2^-6: 25.3 is kept as 25.296875.
    expect(back[0]).toBe(25.296875)
    expect(back[1]).toBe(-3.75)
    scores.forEach((s, i) => expect(Math.abs(back[i]! - s)).toBeLessThanOrEqual(Math.abs(s) * 2 ** -11))
    // Little-endian bytes: 1 → 00 3c.
    expect([...encodeFloat16([1])]).toEqual([0x00, 0x3c])
  })

  it('quantises attention to 0…255 between its min and max', () => {
    const { bytes, encoding } = encodeUint8([1, 3, 2, 1.5])
    expect(encoding).toEqual({ dtype: 'uint8', min: 1, max: 3 })
    expect([...bytes]).toEqual([0, 255, 128, 64]) // 1 / 2 · 255 = 127.5 → 128; 0.5 / 2 · 255 = 63.75 → 64
    const back = decodeMap(bytes, encoding)
    expect(back[2]).toBeCloseTo(1 + (128 * 2) / 255, 6)
    expect(back[1]).toBe(3)
    expect([...encodeUint8([2, 2]).bytes]).toEqual([0, 0])
  })

  it('decodes float32 maps as stored before, and names a size that does not fit', () => {
    expect([...decodeMap(new Uint8Array(new Float32Array([1.5, -2]).buffer), { dtype: 'float32' })]).toEqual([1.5, -2])
    expect(() => decodeMap(new Uint8Array(3), { dtype: 'float16' })).toThrow(/float16 map of 3 bytes \(not a multiple of 2\)/)
    expect(() => decodeMap(new Uint8Array(4), { dtype: 'uint8', min: 0, max: 1 }, 5)).toThrow(/4 values where 5 were expected/)
  })
})
