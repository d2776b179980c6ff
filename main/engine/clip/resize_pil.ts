import type { RgbImage } from '../io/png'

/**
 * Pillow's `Image.resize(size, Image.BICUBIC)` on an 8-bit RGB image, reproduced step by step from
 * Pillow's Resample.c: a separable convolution (horizontal pass, then vertical), the bicubic kernel
 * with a = −0.5 widened by the scale when shrinking (antialiasing), coefficients normalised and
 * rounded to 22-bit fixed point, each pass rounded and clipped to 8 bits. transformers'
 * CLIPImageProcessor resizes through Pillow, so this gives the same pixels.
 */

const PRECISION_BITS = 32 - 8 - 2

function bicubic(x: number): number {
  const a = -0.5
  x = Math.abs(x)
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a
  return 0
}

interface Coeffs {
  bounds: Int32Array // [xmin, count] per output index
  kk: Int32Array // fixed-point weights, ksize per output index
  ksize: number
}

function precompute(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize
  const filterscale = Math.max(scale, 1)
  const support = 2 * filterscale
  const ksize = Math.ceil(support) * 2 + 1
  const bounds = new Int32Array(outSize * 2)
  const kk = new Int32Array(outSize * ksize)
  const w = new Float64Array(ksize)
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale
    const ss = 1 / filterscale
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0)
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin
    let ww = 0
    for (let x = 0; x < xmax; x++) {
      w[x] = bicubic((x + xmin - center + 0.5) * ss)
      ww += w[x]!
    }
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? w[x]! / ww : w[x]!
      kk[xx * ksize + x] = k < 0 ? Math.trunc(-0.5 + k * (1 << PRECISION_BITS)) : Math.trunc(0.5 + k * (1 << PRECISION_BITS))
    }
    bounds[xx * 2] = xmin
    bounds[xx * 2 + 1] = xmax
  }
  return { bounds, kk, ksize }
}

function clip8(v: number): number {
  if (v >= 2 ** (PRECISION_BITS + 8)) return 255
  if (v <= 0) return 0
  return Math.floor(v / (1 << PRECISION_BITS))
}

/** Resizes along x (`horizontal`) or y with precomputed coefficients. */
function pass(src: RgbImage, outSize: number, horizontal: boolean): RgbImage {
  const inSize = horizontal ? src.width : src.height
  const { bounds, kk, ksize } = precompute(inSize, outSize)
  const width = horizontal ? outSize : src.width
  const height = horizontal ? src.height : outSize
  const data = new Uint8Array(width * height * 3)
  const half = 1 << (PRECISION_BITS - 1)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = horizontal ? x : y
      const xmin = bounds[o * 2]!
      const count = bounds[o * 2 + 1]!
      for (let c = 0; c < 3; c++) {
        let ss = half
        for (let i = 0; i < count; i++) {
          const idx = horizontal ? (y * src.width + xmin + i) * 3 + c : ((xmin + i) * src.width + x) * 3 + c
          ss += src.data[idx]! * kk[o * ksize + i]!
        }
        data[(y * width + x) * 3 + c] = clip8(ss)
      }
    }
  }
  return { width, height, data }
}

export function resizeBicubicPil(img: RgbImage, width: number, height: number): RgbImage {
  let out = img
  if (width !== img.width) out = pass(out, width, true)
  if (height !== img.height) out = pass(out, height, false)
  return out
}
