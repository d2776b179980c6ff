import { describe, expect, it } from 'vitest'
import { parseImageProcessorConfig, preprocessImage, resizeOutputSize } from '../../../../main/engine/clip/image_processing_clip'
import { resizeBicubicPil } from '../../../../main/engine/clip/resize_pil'
import type { RgbImage } from '../../../../main/engine/io/png'

const CLIP_PREPROCESSOR = {
  crop_size: { height: 224, width: 224 },
  do_center_crop: true,
  do_normalize: true,
  do_resize: true,
  do_convert_rgb: true,
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_std: [0.26862954, 0.26130258, 0.27577711],
  resample: 3,
  size: { shortest_edge: 224 },
}

function image(width: number, height: number, f: (x: number, y: number, c: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = f(x, y, c)
  return { width, height, data }
}

describe('CLIP image preprocessing', () => {
  it('reads preprocessor_config.json and rejects resampling other than bicubic', () => {
    const c = parseImageProcessorConfig(CLIP_PREPROCESSOR)
    expect(c.size).toEqual({ shortestEdge: 224 })
    expect(c.cropSize).toEqual({ height: 224, width: 224 })
    expect(c.rescaleFactor).toBeCloseTo(1 / 255, 12)
    expect(parseImageProcessorConfig({ crop_size: 32, size: 32 }).size).toEqual({ height: 32, width: 32 })
    expect(() => parseImageProcessorConfig({ resample: 2 }, 'p.json')).toThrow('p.json: resample 2 is not supported')
  })

  it('resizes the shortest edge as transformers does (long side truncated)', () => {
    expect(resizeOutputSize(480, 640, { shortestEdge: 224 })).toEqual({ height: 224, width: 298 })
    expect(resizeOutputSize(640, 480, { shortestEdge: 224 })).toEqual({ height: 298, width: 224 })
    expect(resizeOutputSize(100, 100, { shortestEdge: 32 })).toEqual({ height: 32, width: 32 })
  })

  it('gives [3, 224, 224] channels-first pixels normalised with the mean and std', () => {
    const { pixels, height, width } = preprocessImage(image(320, 240, (_x, _y, c) => [200, 100, 50][c]!), parseImageProcessorConfig(CLIP_PREPROCESSOR))
    expect([height, width]).toEqual([224, 224])
    expect(pixels.length).toBe(3 * 224 * 224)
    const expected = [200, 100, 50].map((v, c) => (v / 255 - CLIP_PREPROCESSOR.image_mean[c]!) / CLIP_PREPROCESSOR.image_std[c]!)
    for (let c = 0; c < 3; c++) {
      for (const i of [0, 1000, 224 * 224 - 1]) expect(pixels[c * 224 * 224 + i]).toBeCloseTo(expected[c]!, 5)
    }
  })

  it('crops the centre after resizing', () => {
    // 300×100 → 672×224, crop columns 224…447. Red only in the left fifth (resized columns < 135):
    // the crop is pure blue; without the crop the left edge would be red.
    const img = image(300, 100, (x, _y, c) => (x < 60 ? [255, 0, 0][c]! : [0, 0, 255][c]!))
    const { pixels } = preprocessImage(img, parseImageProcessorConfig({ ...CLIP_PREPROCESSOR, do_normalize: false, do_rescale: false }))
    const plane = 224 * 224
    expect(pixels[0 * plane + 112 * 224 + 0]).toBe(0) // red channel, left edge of the crop
    expect(pixels[2 * plane + 112 * 224 + 0]).toBe(255)
    expect(pixels[2 * plane + 112 * 224 + 223]).toBe(255)
    const uncropped = preprocessImage(img, parseImageProcessorConfig({ ...CLIP_PREPROCESSOR, do_normalize: false, do_rescale: false, do_center_crop: false }))
    expect(uncropped.width).toBe(672)
    expect(uncropped.pixels[0]).toBe(255)
  })

  it('resamples like Pillow: constant images stay constant, mirrored inputs give mirrored outputs, ramps stay monotone', () => {
    const flat = resizeBicubicPil(image(37, 23, () => 173), 16, 50)
    expect(new Set(flat.data)).toEqual(new Set([173]))
    const ramp = image(64, 8, (x) => x * 4)
    const mirrored = image(64, 8, (x) => (63 - x) * 4)
    const a = resizeBicubicPil(ramp, 24, 5)
    const b = resizeBicubicPil(mirrored, 24, 5)
    for (let x = 0; x < 24; x++) expect(a.data[x * 3]).toBe(b.data[(23 - x) * 3])
    for (let x = 1; x < 24; x++) expect(a.data[x * 3]!).toBeGreaterThanOrEqual(a.data[(x - 1) * 3]!)
    // Same size: untouched.
    expect(resizeBicubicPil(ramp, 64, 8)).toBe(ramp)
  })
})
