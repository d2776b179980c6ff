import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../helpers/temp-dir'
import { DataError, FfmpegNotFoundError, VideoDecodeError } from '../../../../main/engine/data/errors'
import { encodeAvi } from '../../../../main/engine/data/synth/encode'
import { openVideo } from '../../../../main/engine/data/video/source'
import { runProcess } from '../../../../main/engine/data/video/run-process'
import { ffmpegTools, resetFfmpegTools } from '../../../../main/engine/data/video/tools'
import { evalPlan } from '../../../../main/engine/data/sampling/spatial'

const T = 12
const W = 48
const H = 32
/** Frame t: flat grey level 20·t on the left half, (255 − 20·t) on the right half. */
function stripes(): Uint8Array {
  const data = new Uint8Array(T * H * W * 3)
  for (let t = 0; t < T; t++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) data.fill(x < W / 2 ? 20 * t : 255 - 20 * t, ((t * H + y) * W + x) * 3, ((t * H + y) * W + x) * 3 + 3)
  return data
}
function pixel(data: Uint8Array, shape: readonly number[], t: number, y: number, x: number): number {
  return data[((t * shape[1]! + y) * shape[2]! + x) * 3]!
}

let dir: ReturnType<typeof tempDir>
let avi: string
beforeAll(async () => {
  dir = tempDir('stdd-video-')
  avi = join(dir.path, 'stripes.avi')
  await encodeAvi(avi, stripes(), [T, H, W, 3], { fps: 25 })
})
afterAll(() => dir.remove())

describe('video decoding through ffmpeg', () => {
  it('probes size, frame count and rate', async () => {
    const v = await openVideo(avi)
    expect(v.info).toMatchObject({ kind: 'file', width: W, height: H, frameCount: T, frameCountExact: true, fps: 25 })
  })

  it('returns exactly the requested frames, in the requested order, repeats included', async () => {
    const v = await openVideo(avi)
    const d = await v.decode([5, 2, 2, 11, 0], { scale: null, crop: null })
    expect(d.shape).toEqual([5, H, W, 3])
    const levels = [5, 2, 2, 11, 0].map((_, i) => pixel(d.data, d.shape, i, H / 2, 4))
    levels.forEach((l, i) => expect(Math.abs(l - 20 * [5, 2, 2, 11, 0][i]!), `frame ${i}`).toBeLessThanOrEqual(3))
    expect(Math.abs(pixel(d.data, d.shape, 3, H / 2, W - 4) - (255 - 220))).toBeLessThanOrEqual(3)
    expect(d.pastEnd).toBe(0)
    const piped = await v.decode([5, 2, 2, 11, 0], { scale: null, crop: null }, { output: 'pipe' })
    expect(Buffer.from(piped.data).equals(Buffer.from(d.data))).toBe(true)
  })

  it('resizes the short side and centre-crops inside ffmpeg', async () => {
    const v = await openVideo(avi)
    const plan = evalPlan(W, H, 16) // 48×32 → 24×16, crop x = ceil((24 − 16)/2) = 4
    expect(plan).toEqual({ scale: { width: 24, height: 16 }, crop: { x: 4, y: 0, width: 16, height: 16 } })
    const d = await v.decode([3], plan)
    expect(d.shape).toEqual([1, 16, 16, 3])
    // the crop keeps 8 columns of each half: left half at level 60, right at 195
    expect(Math.abs(pixel(d.data, d.shape, 0, 8, 2) - 60)).toBeLessThanOrEqual(4)
    expect(Math.abs(pixel(d.data, d.shape, 0, 8, 13) - 195)).toBeLessThanOrEqual(4)
  })

  it('fills indices past the real end with the last decoded frame and counts them', async () => {
    const v = await openVideo(avi)
    const d = await v.decode([10, 40], { scale: null, crop: null })
    expect(d.pastEnd).toBe(1)
    expect(Math.abs(pixel(d.data, d.shape, 1, 4, 4) - 200)).toBeLessThanOrEqual(3)
  })

  it('decodes frame folders (img_00001.png …) exactly, whatever the folder is called', async () => {
    const folder = join(dir.path, "it's frames")
    mkdirSync(folder)
    const raw = stripes()
    const r = await runProcess(ffmpegTools().ffmpeg, ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-i', 'pipe:0', '-start_number', '1', join(folder, 'img_%05d.png')], { timeoutMs: 30_000, stdin: Buffer.from(raw) })
    expect(r.code).toBe(0)
    const v = await openVideo(folder)
    expect(v.info).toMatchObject({ kind: 'frames', width: W, height: H, frameCount: T })
    const d = await v.decode([7, 1], { scale: null, crop: null })
    const f = H * W * 3
    expect(Buffer.from(d.data.subarray(0, f)).equals(Buffer.from(raw.subarray(7 * f, 8 * f)))).toBe(true)
    expect(Buffer.from(d.data.subarray(f)).equals(Buffer.from(raw.subarray(f, 2 * f)))).toBe(true)
  })

  it('decodes JPEG frame folders', async () => {
    const folder = join(dir.path, 'jpg')
    mkdirSync(folder)
    const r = await runProcess(ffmpegTools().ffmpeg, ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-i', 'pipe:0', '-q:v', '2', '-start_number', '1', join(folder, 'img_%05d.jpg')], { timeoutMs: 30_000, stdin: Buffer.from(stripes()) })
    expect(r.code).toBe(0)
    const v = await openVideo(folder)
    const d = await v.decode([9, 9, 4], evalPlan(W, H, 16))
    expect(d.shape).toEqual([3, 16, 16, 3])
    expect(Math.abs(pixel(d.data, d.shape, 1, 8, 2) - 180)).toBeLessThanOrEqual(6)
    expect(Math.abs(pixel(d.data, d.shape, 2, 8, 13) - 175)).toBeLessThanOrEqual(6)
  })

  it('gives a per-video error naming the file for missing, broken and slow videos', async () => {
    const missing = join(dir.path, 'nope.avi')
    await expect(openVideo(missing)).rejects.toThrow(`${missing}: video not found`)
    const broken = join(dir.path, 'broken.mp4')
    writeFileSync(broken, Buffer.alloc(2000, 7))
    const err = await openVideo(broken).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VideoDecodeError)
    expect(err).toBeInstanceOf(DataError)
    expect((err as Error).message).toMatch(new RegExp(`^${broken}: ffprobe cannot read the file .*Invalid data`))
    const v = await openVideo(avi)
    await expect(v.decode([1, 2], { scale: null, crop: null }, { timeoutMs: 1 })).rejects.toThrow(`${avi}: ffmpeg took longer than 0.001 s`)
  })
})

describe('a missing ffmpeg', () => {
  const saved = { ffmpeg: process.env.STDD_FFMPEG, ffprobe: process.env.STDD_FFPROBE }
  afterEach(() => {
    for (const [k, v] of Object.entries({ STDD_FFMPEG: saved.ffmpeg, STDD_FFPROBE: saved.ffprobe })) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    resetFfmpegTools()
  })

  it('is one message that says how to install it', async () => {
    process.env.STDD_FFMPEG = join(dir.path, 'no-ffmpeg')
    process.env.STDD_FFPROBE = join(dir.path, 'no-ffprobe')
    resetFfmpegTools()
    const err = await openVideo(avi).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FfmpegNotFoundError)
    expect((err as Error).message).toMatch(/apt-get install ffmpeg/)
  })
})
