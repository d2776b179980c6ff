import { existsSync } from 'node:fs'
import { readJsonFile } from '../io/json-file'
import { join } from 'node:path'
import { z } from 'zod'
import type { RgbImage } from '../io/png'
import { resizeBicubicPil } from './resize_pil'

/**
 * transformers' `CLIPImageProcessor` from `preprocessor_config.json`: resize the shortest edge
 * (bicubic, computed as Pillow computes it on 8-bit images), centre crop, rescale by 1/255,
 * normalise with the model's mean/std, channels first.
 */

export interface ClipImageProcessorConfig {
  doResize: boolean
  /** The shortest edge after resizing, or an exact size. */
  size: { shortestEdge: number } | { height: number; width: number }
  doCenterCrop: boolean
  cropSize: { height: number; width: number }
  doRescale: boolean
  rescaleFactor: number
  doNormalize: boolean
  imageMean: [number, number, number]
  imageStd: [number, number, number]
}

const sizeSchema = z.union([
  z.number().int().positive().transform((n) => ({ height: n, width: n })),
  z.object({ shortest_edge: z.number().int().positive() }).transform((s) => ({ shortestEdge: s.shortest_edge })),
  z.object({ height: z.number().int().positive(), width: z.number().int().positive() }),
])
const cropSchema = z.union([z.number().int().positive().transform((n) => ({ height: n, width: n })), z.object({ height: z.number().int().positive(), width: z.number().int().positive() })])
const triple = z.tuple([z.number(), z.number(), z.number()])

const schema = z.object({
  do_resize: z.boolean().default(true),
  size: sizeSchema.default({ shortestEdge: 224 }),
  resample: z.number().int().optional(),
  do_center_crop: z.boolean().default(true),
  crop_size: cropSchema.default({ height: 224, width: 224 }),
  do_rescale: z.boolean().default(true),
  rescale_factor: z.number().positive().default(1 / 255),
  do_normalize: z.boolean().default(true),
  image_mean: triple.default([0.48145466, 0.4578275, 0.40821073]),
  image_std: triple.default([0.26862954, 0.26130258, 0.27577711]),
})

/** BICUBIC in PIL's numbering: the only resampling implemented (what CLIP checkpoints use). */
const PIL_BICUBIC = 3

export function parseImageProcessorConfig(json: unknown, source = 'preprocessor_config.json'): ClipImageProcessorConfig {
  const r = schema.safeParse(json)
  if (!r.success) throw new Error(`${source}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`)
  const c = r.data
  if (c.resample !== undefined && c.resample !== PIL_BICUBIC) throw new Error(`${source}: resample ${c.resample} is not supported; only 3 (bicubic, what CLIP uses)`)
  return {
    doResize: c.do_resize,
    size: c.size,
    doCenterCrop: c.do_center_crop,
    cropSize: c.crop_size,
    doRescale: c.do_rescale,
    rescaleFactor: c.rescale_factor,
    doNormalize: c.do_normalize,
    imageMean: c.image_mean,
    imageStd: c.image_std,
  }
}

/** Reads `preprocessor_config.json` from a model folder; CLIP's defaults at `imageSize` when absent. */
export function loadImageProcessorConfig(dir: string, imageSize: number): ClipImageProcessorConfig {
  const path = join(dir, 'preprocessor_config.json')
  if (!existsSync(path)) return parseImageProcessorConfig({ size: { shortest_edge: imageSize }, crop_size: imageSize })
  return parseImageProcessorConfig(readJsonFile(path, 'preprocessor_config.json'), path)
}

/** transformers' `get_resize_output_image_size` for a shortest edge (long side truncated). */
export function resizeOutputSize(height: number, width: number, size: ClipImageProcessorConfig['size']): { height: number; width: number } {
  if (!('shortestEdge' in size)) return size
  const s = size.shortestEdge
  if (width <= height) return { width: s, height: Math.trunc((s * height) / width) }
  return { height: s, width: Math.trunc((s * width) / height) }
}

function centerCrop(img: RgbImage, height: number, width: number): RgbImage {
  if (img.height < height || img.width < width) throw new Error(`image processor: a ${img.width}×${img.height} image is smaller than the crop ${width}×${height}`)
  const top = Math.floor((img.height - height) / 2)
  const left = Math.floor((img.width - width) / 2)
  const data = new Uint8Array(height * width * 3)
  for (let y = 0; y < height; y++) data.set(img.data.subarray(((top + y) * img.width + left) * 3, ((top + y) * img.width + left + width) * 3), y * width * 3)
  return { width, height, data }
}

/** One RGB image → normalised pixels [3, H, W] (Float32Array, channels first). */
export function preprocessImage(img: RgbImage, config: ClipImageProcessorConfig): { pixels: Float32Array; height: number; width: number } {
  let im = img
  if (config.doResize) {
    const out = resizeOutputSize(im.height, im.width, config.size)
    im = resizeBicubicPil(im, out.width, out.height)
  }
  if (config.doCenterCrop) im = centerCrop(im, config.cropSize.height, config.cropSize.width)
  const { width, height } = im
  const plane = width * height
  const pixels = new Float32Array(3 * plane)
  for (let c = 0; c < 3; c++) {
    const mean = config.doNormalize ? config.imageMean[c]! : 0
    const std = config.doNormalize ? config.imageStd[c]! : 1
    const scale = config.doRescale ? config.rescaleFactor : 1
    for (let i = 0; i < plane; i++) pixels[c * plane + i] = (im.data[i * 3 + c]! * scale - mean) / std
  }
  return { pixels, height, width }
}
