import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DataError } from '../errors'
import { encodeAvi } from './encode'
import { generateSynthVideo, synthTemporal, SYNTH_DEFAULT_FRAMES, SYNTH_DEFAULT_SIZE } from './generate'
import type { TemporalOptions } from '../sampling/temporal'
import type { SynthClass, SynthWorld } from './types'
import { buildSynthWorld } from './world'

export const SYNTH_MANIFEST = 'synthmotion.json'

export interface SynthWriteOptions {
  outDir: string
  seed?: number
  /** The world's `looks` and `unseenGroups` (`synthmotion.*` in an experiment file; world.ts). */
  looks?: number
  unseenGroups?: number
  size?: number
  frames?: number
  /** Videos per class (≥ 3, so every split's test list has each class). Default 10. */
  perClass?: number
  /**
   * Write the videos of these class indices only (classInd.txt still lists the whole world, so labels
   * stay the world's). Default: all classes. For quick checks and tests.
   */
  classIndices?: readonly number[]
  fps?: number
  /** Parallel ffmpeg encoders. Default 2. */
  concurrency?: number
  /** Write into a non-empty folder. */
  force?: boolean
  onProgress?: (done: number, total: number) => void
}

export interface SynthManifestVideo {
  /** Relative to the data set root, e.g. "UCF-101/RedSquareSlidingRightOnGrass/v_RedSquareSlidingRightOnGrass_g01_c01.avi". */
  file: string
  classIndex: number
  videoIndex: number
  captions: string[]
}

/** `synthmotion.json`: how the data set was made, the classes with their compositions, and per-frame captions. */
export interface SynthManifest {
  format: 'synthmotion/1'
  seed: number
  size: number
  frames: number
  fps: number
  perClass: number
  codec: string
  /** Frame sampling that covers each video (8 frames evenly over all of them). */
  temporal: TemporalOptions
  classes: SynthClass[]
  seen: number[]
  unseen: number[]
  videos: SynthManifestVideo[]
}

/** `v_<Folder>_g<NN>_c01.avi`: group = video index + 1, one clip per group. */
export function synthVideoName(cls: SynthClass, videoIndex: number, perClass: number): string {
  const g = String(videoIndex + 1).padStart(Math.max(2, String(perClass).length), '0')
  return `v_${cls.folder}_g${g}_c01.avi`
}

/** Split k (1–3) puts video v in the test list when v mod 3 = k − 1, in the train list otherwise. */
export function synthIsTest(videoIndex: number, split: number): boolean {
  return videoIndex % 3 === split - 1
}

function writeLists(dir: string, world: SynthWorld, written: readonly SynthClass[], perClass: number): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'classInd.txt'), world.classes.map((c) => `${c.index + 1} ${c.folder}\n`).join(''))
  for (const split of [1, 2, 3]) {
    const train: string[] = []
    const test: string[] = []
    for (const c of written) {
      for (let v = 0; v < perClass; v++) {
        const rel = `${c.folder}/${synthVideoName(c, v, perClass)}`
        if (synthIsTest(v, split)) test.push(`${rel}\n`)
        else train.push(`${rel} ${c.index + 1}\n`)
      }
    }
    writeFileSync(join(dir, `trainlist0${split}.txt`), train.join(''))
    writeFileSync(join(dir, `testlist0${split}.txt`), test.join(''))
  }
}

/**
 * Writes a SynthMotion data set in the UCF101 layout: `UCF-101/<Class>/v_<Class>_gNN_c01.avi` (real
 * MPEG-4 videos through ffmpeg), `ucfTrainTestlist/{classInd,trainlist0k,testlist0k}.txt`, and
 * `synthmotion.json`. The UCF101 adapter reads it back like the real data set.
 */
export async function writeSynthDataset(options: SynthWriteOptions): Promise<SynthManifest> {
  const size = options.size ?? SYNTH_DEFAULT_SIZE
  const frames = options.frames ?? SYNTH_DEFAULT_FRAMES
  const perClass = options.perClass ?? 10
  const fps = options.fps ?? 30
  if (!Number.isInteger(perClass) || perClass < 3) throw new RangeError(`perClass must be an integer ≥ 3 so that each of the 3 splits tests every class (got ${perClass})`)
  if (size % 2) throw new RangeError(`size must be even (yuv420p video), got ${size}`)
  if (existsSync(options.outDir) && readdirSync(options.outDir).length > 0 && !options.force) {
    throw new DataError('the output folder is not empty', { file: options.outDir, fix: 'choose a new folder, or pass --force to overwrite' })
  }
  const world = buildSynthWorld({ seed: options.seed ?? 0, looks: options.looks, unseenGroups: options.unseenGroups })
  const written = options.classIndices ? [...new Set(options.classIndices)].sort((a, b) => a - b).map((i) => world.classes[i]) : world.classes
  if (!written.every((c): c is SynthClass => c !== undefined)) throw new RangeError(`classIndices must lie in 0…${world.classes.length - 1}`)
  writeLists(join(options.outDir, 'ucfTrainTestlist'), world, written, perClass)
  const jobs = written.flatMap((c) => Array.from({ length: perClass }, (_, v) => ({ c, v })))
  const videos: SynthManifestVideo[] = new Array(jobs.length)
  let next = 0
  let done = 0
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const j = next++
      const { c, v } = jobs[j]!
      const video = generateSynthVideo(world, c.index, v, { size, frames })
      const file = join('UCF-101', c.folder, synthVideoName(c, v, perClass))
      await encodeAvi(join(options.outDir, file), video.data, video.shape, { fps })
      videos[j] = { file, classIndex: c.index, videoIndex: v, captions: video.captions.map((k) => k.text) }
      options.onProgress?.(++done, jobs.length)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker))
  const manifest: SynthManifest = { format: 'synthmotion/1', seed: world.seed, size, frames, fps, perClass, codec: 'mpeg4 (AVI, yuv420p, q 2)', temporal: synthTemporal(frames, fps), classes: world.classes, seen: world.seen, unseen: world.unseen, videos }
  writeFileSync(join(options.outDir, SYNTH_MANIFEST), JSON.stringify(manifest, null, 1))
  return manifest
}
