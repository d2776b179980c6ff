import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../helpers/temp-dir'
import { ClipWorkerPool } from '../../../../main/engine/data/clip-workers/pool'
import { inThreadLoader, type ClipLoader } from '../../../../main/engine/data/clip-workers/loader'
import { tsWorkerEntry } from '../../../../main/engine/data/clip-workers/locate'
import { ClipWorkerCrashError, DataError, FfmpegNotFoundError, VideoDecodeError } from '../../../../main/engine/data/errors'
import { newPrefetchStats, prefetch } from '../../../../main/engine/data/prefetch'
import { REFERENCE_CLIP, type Clip } from '../../../../main/engine/data/sampling/clip'
import { seededRng } from '../../../../main/engine/util/random'
import { encodeAvi } from '../../../../main/engine/data/synth/encode'
import type { VideoItem } from '../../../../main/engine/data/types'
import { runProcess } from '../../../../main/engine/data/video/run-process'
import { scratchFile } from '../../../../main/engine/data/video/scratch'
import { ffmpegTools, resetFfmpegTools } from '../../../../main/engine/data/video/tools'

// 40 frames of 64×48 at 30 fps: a moving bar on a gradient, so every frame, crop and flip differs.
const T = 40
const W = 64
const H = 48
const small = { ...REFERENCE_CLIP, spatial: { size: 32, jitter: [32, 40] as [number, number], flip: true } }
const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures')

let dir: ReturnType<typeof tempDir>
let video: VideoItem
let folder: VideoItem
let truncated: VideoItem
let broken: VideoItem
let missing: VideoItem
let pool: ClipWorkerPool

beforeAll(async () => {
  dir = tempDir('stdd-clip-workers-')
  const data = new Uint8Array(T * H * W * 3)
  for (let t = 0; t < T; t++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const p = ((t * H + y) * W + x) * 3
        data[p] = (x * 4) & 255
        data[p + 1] = Math.abs(x - t) < 3 ? 255 : y * 5
        data[p + 2] = (t * 6) & 255
      }
  const path = join(dir.path, 'bar.avi')
  await encodeAvi(path, data, [T, H, W, 3], { fps: 30 })
  video = { path, label: 0, className: 'bar', source: 'test' }
  const frames = join(dir.path, 'bar-frames')
  mkdirSync(frames)
  const r = await runProcess(ffmpegTools().ffmpeg, ['-nostdin', '-v', 'error', '-i', `file:${path}`, `file:${join(frames, 'img_%05d.png')}`], { timeoutMs: 60_000 })
  expect(r.code).toBe(0)
  folder = { ...video, path: frames }
  // cut short: the header still promises 40 frames, so the last requested ones repeat the last decoded one
  writeFileSync(join(dir.path, 'truncated.avi'), readFileSync(path).subarray(0, 8000))
  truncated = { ...video, path: join(dir.path, 'truncated.avi') }
  writeFileSync(join(dir.path, 'broken.avi'), 'not a video')
  broken = { ...video, path: join(dir.path, 'broken.avi') }
  missing = { ...video, path: join(dir.path, 'missing.avi') }
  pool = new ClipWorkerPool()
})
afterAll(async () => {
  await pool?.close()
  dir.remove()
})

function bytes(clip: Clip): Buffer {
  return Buffer.from(clip.data.buffer, clip.data.byteOffset, clip.data.byteLength)
}

/** Every field of a clip except its item; the pixels as bytes. */
function comparable(clip: Clip): unknown {
  return { bytes: bytes(clip).toString('base64'), shape: clip.shape, indices: clip.indices, info: clip.info, flipped: clip.flipped, pastEnd: clip.pastEnd }
}

async function failure(loader: ClipLoader, item: VideoItem): Promise<Error> {
  return loader.evalClip(item, small).then(
    () => {
      throw new Error(`${item.path} loaded`)
    },
    (e: Error) => e,
  )
}

describe('clips made in a worker thread', () => {
  it('are byte-identical to the in-thread clips: evaluation views of a file, a frame folder and a truncated file', async () => {
    for (const item of [video, folder, truncated]) {
      const inWorker = await pool.evalClip(item, small)
      const here = await inThreadLoader.evalClip(item, small)
      expect(inWorker.item).toBe(item)
      expect(inWorker.shape).toEqual([3, 8, 32, 32, 3])
      expect(inWorker.data).toBeInstanceOf(Float32Array)
      expect(comparable(inWorker)).toEqual(comparable(here))
      if (item === truncated) expect(here.pastEnd).toBeGreaterThan(0)
    }
  })

  it('are byte-identical for training clips of the same seed, and leave the generator in the same state', async () => {
    const flips = new Set<boolean>()
    for (let seed = 0; seed < 6; seed++) {
      const a = seededRng(seed)
      const b = seededRng(seed)
      const inWorker = await pool.trainClip(video, a, small)
      const here = await inThreadLoader.trainClip(video, b, small)
      expect(comparable(inWorker)).toEqual(comparable(here))
      expect(a.random()).toBe(b.random())
      flips.add(here.flipped)
    }
    // the seeds cover both a mirrored and a plain clip
    expect([...flips].sort()).toEqual([false, true])
  })

  it('run several loads at once and keep them apart', async () => {
    const seeds = [11, 12, 13, 14]
    const inWorker = await Promise.all(seeds.map((s) => pool.trainClip(video, seededRng(s), small)))
    for (const [i, s] of seeds.entries()) expect(comparable(inWorker[i]!)).toEqual(comparable(await inThreadLoader.trainClip(video, seededRng(s), small)))
  })

  it('give a broken or missing video the same per-video error as the in-thread path', async () => {
    for (const item of [broken, missing]) {
      const inWorker = await failure(pool, item)
      const here = await failure(inThreadLoader, item)
      expect(inWorker).toBeInstanceOf(VideoDecodeError)
      expect(inWorker).toBeInstanceOf(DataError)
      expect(inWorker.message).toBe(here.message)
      expect(inWorker.name).toBe('VideoDecodeError')
      expect({ ...inWorker }).toEqual({ ...here })
    }
    expect((await failure(pool, broken)).message).toMatch(new RegExp(`^${broken.path}: ffprobe cannot read the file`))
  })

  it('let evaluation skip and count broken videos', async () => {
    const items = [video, broken, missing, video]
    const stats = newPrefetchStats()
    const clips: Clip[] = []
    const skipped: string[] = []
    for await (const r of prefetch(items, (it) => pool.evalClip(it, small), { depth: 2, stats })) {
      if (r.ok) clips.push(r.value)
      else skipped.push(`${r.index} ${r.error.name}`)
    }
    expect(clips).toHaveLength(2)
    expect(skipped).toEqual(['1 VideoDecodeError', '2 VideoDecodeError'])
    expect(stats).toMatchObject({ loads: 4, failed: 2 })
  })
})

describe('a missing ffmpeg', () => {
  it('ends the prefetch with the install message, as on the engine thread', async () => {
    const saved = process.env.STDD_FFPROBE
    process.env.STDD_FFPROBE = join(dir.path, 'no-ffprobe')
    resetFfmpegTools()
    const p = new ClipWorkerPool() // its thread copies the environment when it starts
    try {
      const inWorker = await failure(p, video)
      const here = await failure(inThreadLoader, video)
      expect(here).toBeInstanceOf(FfmpegNotFoundError)
      expect(inWorker).toBeInstanceOf(FfmpegNotFoundError)
      expect(inWorker).not.toBeInstanceOf(DataError)
      expect(inWorker.message).toBe(here.message)
      await expect(async () => {
        for await (const _ of prefetch([video, video], (it) => p.evalClip(it, small))) void _
      }).rejects.toThrow(here.message)
    } finally {
      if (saved === undefined) delete process.env.STDD_FFPROBE
      else process.env.STDD_FFPROBE = saved
      resetFfmpegTools()
      await p.close()
    }
  })
})

describe('a clip worker that crashes', () => {
  const crashing = () => tsWorkerEntry(pathToFileURL(join(fixtures, 'crashing-clip-worker.ts')))
  /** A good video under a name that makes the fixture worker die. */
  const victim = (name: string): VideoItem => {
    const path = join(dir.path, `${name}.avi`)
    copyFileSync(video.path, path)
    return { ...video, path }
  }

  it('fails the video it was loading with an error naming it, and is restarted for the next', async () => {
    const p = new ClipWorkerPool({ entry: crashing() })
    try {
      const doomed = victim('crash-worker')
      const stats = newPrefetchStats()
      const results: string[] = []
      for await (const r of prefetch([video, doomed, video], (it) => p.evalClip(it, small), { depth: 1, stats })) results.push(r.ok ? `ok ${r.value.shape.join('x')}` : `${r.error.name}: ${r.error.message}`)
      expect(results[0]).toBe('ok 3x8x32x32x3')
      expect(results[1]).toMatch(new RegExp(`^ClipWorkerCrashError: ${doomed.path}: the clip worker thread stopped \\(exit code 7\\)`))
      expect(results[2]).toBe('ok 3x8x32x32x3')
      expect(stats).toMatchObject({ loads: 3, failed: 1 })
      expect(p.liveThreads).toBe(1)
    } finally {
      await p.close()
    }
  })

  it('fails every load running on it, and after 3 crashes in a row stops the prefetch with an error', async () => {
    const p = new ClipWorkerPool({ entry: crashing() })
    try {
      const victims = [1, 2, 3, 4].map((i) => victim(`crash-worker-${i}`))
      const seen: string[] = []
      const run = async (): Promise<void> => {
        for await (const r of prefetch(victims, (it) => p.evalClip(it, small), { depth: 1 })) {
          expect(r.ok).toBe(false)
          if (!r.ok) {
            expect(r.error).toBeInstanceOf(ClipWorkerCrashError)
            seen.push(r.error.file ?? '')
          }
        }
      }
      await expect(run()).rejects.toThrow(/clip worker thread crashed 3 times in a row \(last: exit code 7\)/)
      expect(seen).toEqual(victims.slice(0, 2).map((v) => v.path))
      await expect(p.evalClip(video, small)).rejects.toThrow(/crashed 3 times/)
    } finally {
      await p.close()
    }
  })

  it('that cannot start fails the pool at once instead of blaming videos', async () => {
    const p = new ClipWorkerPool({ entry: { script: pathToFileURL(join(dir.path, 'no-such-worker.mjs')) } })
    const e = await failure(p, video)
    expect(e).not.toBeInstanceOf(DataError)
    expect(e.message).toMatch(/^the clip worker thread could not start: .*no-such-worker\.mjs/)
    expect(p.liveThreads).toBe(0)
    await p.close()
  })
})

describe('closing the pool', () => {
  it('rejects a running load at once, lets it finish its cleanup and ends every thread', async () => {
    const p = new ClipWorkerPool({ workers: 2 })
    await Promise.all([p.evalClip(video, small), p.evalClip(video, small)])
    expect(p.liveThreads).toBe(2)
    const running = p.evalClip(video, small)
    const closed = p.close()
    await expect(running).rejects.toThrow('the clip worker pool was closed')
    await closed
    expect(p.liveThreads).toBe(0)
    // the cancelled ffmpeg run removed its scratch file before the thread ended
    const scratch = readdirSync(dirname(scratchFile('rgb')))
    expect(scratch.filter((f) => f.startsWith(`stdd-frames-${process.pid}-`))).toEqual([])
    await expect(p.evalClip(video, small)).rejects.toThrow('the clip worker pool is closed')
  })

  it.each(['close', 'idle', 'cancel'])('lets the process exit (%s)', (mode) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(fixtures, 'pool-exit-script.ts'), video.path, mode], { encoding: 'utf8', timeout: 60_000 })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('clip 3x8x32x32x3')
    expect(r.stdout).toContain(mode === 'idle' ? 'threads 1' : 'threads 0')
    if (mode === 'cancel') expect(r.stdout).toContain('cancelled: the clip worker pool was closed')
  })
})
