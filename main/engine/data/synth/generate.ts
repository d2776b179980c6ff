import { PythonRandom } from '../protocols/python-random'
import type { TemporalOptions } from '../sampling/temporal'
import { captionFrame } from './captions'
import { renderFrame, sampleVideoParams, videoStates } from './render'
import type { FrameCaption, FrameState, SynthWorld, VideoParams } from './types'

export interface SynthVideoOptions {
  /** Frames per video (8–16 in docs/architecture.md, SynthMotion). Default 16. */
  frames?: number
  /** Frame side in pixels (32–64). Default 64. */
  size?: number
}

export interface SynthVideo {
  classIndex: number
  videoIndex: number
  /** `[T, S, S, 3]` RGB bytes. */
  data: Uint8Array
  shape: [number, number, number, 3]
  states: FrameState[]
  captions: FrameCaption[]
  params: VideoParams
}

export const SYNTH_DEFAULT_FRAMES = 16
export const SYNTH_DEFAULT_SIZE = 64

/**
 * SynthMotion clips span the whole video, `numFrames` frames evenly and mirror-symmetric (`span`), so
 * a video and its reverse give the same frames in opposite order (the reference's stride 16 at 30 fps
 * would need 128 frames). `samplingRate`/`targetFps` only matter to window sampling; kept for the manifest.
 */
export function synthTemporal(frames: number, fps: number, numFrames = 8): TemporalOptions {
  return { numFrames, mode: 'span', samplingRate: frames / numFrames, targetFps: fps }
}

/**
 * The seed of video `videoIndex` of class `classIndex`: world seed · 2³² + pair · 2¹⁶ + video, where
 * `pair` is the lower class index of the class's order-only pair. Video k of a class and video k of its
 * reverse share their variation, so each is the other played backwards, frame for frame.
 */
export function videoSeed(world: SynthWorld, classIndex: number, videoIndex: number): bigint {
  if (!Number.isInteger(videoIndex) || videoIndex < 0 || videoIndex >= 65536) throw new RangeError(`videoIndex must be in 0…65535 (got ${videoIndex})`)
  const cls = world.classes[classIndex]
  if (!cls) throw new RangeError(`no SynthMotion class ${classIndex} (the world has ${world.classes.length})`)
  return BigInt(world.seed) * 2n ** 32n + BigInt(Math.min(classIndex, cls.reverseIndex)) * 65536n + BigInt(videoIndex)
}

/** Renders one video with given per-video parameters (the same parameters reversed give the paired class). */
export function renderSynthVideo(world: SynthWorld, classIndex: number, params: VideoParams, options: SynthVideoOptions = {}, videoIndex = -1): SynthVideo {
  const cls = world.classes[classIndex]
  if (!cls) throw new RangeError(`no SynthMotion class ${classIndex} (the world has ${world.classes.length})`)
  const frames = options.frames ?? SYNTH_DEFAULT_FRAMES
  const size = options.size ?? SYNTH_DEFAULT_SIZE
  if (!Number.isInteger(frames) || frames < 2) throw new RangeError(`frames must be an integer ≥ 2 (got ${frames})`)
  if (!Number.isInteger(size) || size < 8) throw new RangeError(`size must be an integer ≥ 8 (got ${size})`)
  const states = videoStates(cls.composition.motion, params, frames)
  const data = new Uint8Array(frames * size * size * 3)
  states.forEach((s, f) => renderFrame(cls.composition, s, params, size, data, f * size * size * 3))
  return { classIndex, videoIndex, data, shape: [frames, size, size, 3], states, captions: states.map((s) => captionFrame(cls.composition, s)), params }
}

/** Video `videoIndex` of class `classIndex`: deterministic for a world seed. */
export function generateSynthVideo(world: SynthWorld, classIndex: number, videoIndex: number, options: SynthVideoOptions = {}): SynthVideo {
  const cls = world.classes[classIndex]
  if (!cls) throw new RangeError(`no SynthMotion class ${classIndex} (the world has ${world.classes.length})`)
  const params = sampleVideoParams(cls.composition.motion, new PythonRandom(videoSeed(world, classIndex, videoIndex)))
  return renderSynthVideo(world, classIndex, params, options, videoIndex)
}

export interface SynthBatchItem {
  classIndex: number
  videoIndex: number
}

export interface SynthBatch {
  /** `[B, T, S, S, 3]` RGB bytes (normalise with sampling/transforms `normalize`). */
  data: Uint8Array
  shape: [number, number, number, number, 3]
  /** Index into `labelSpace` (default: the class index). */
  labels: number[]
  items: SynthBatchItem[]
  captions: FrameCaption[][]
}

/** Videos `first … first + perClass − 1` of each of `classIndices`, class-major. */
export function synthItems(classIndices: readonly number[], perClass: number, first = 0): SynthBatchItem[] {
  return classIndices.flatMap((classIndex) => Array.from({ length: perClass }, (_, v) => ({ classIndex, videoIndex: first + v })))
}

/** Renders a batch in memory; `labelSpace` maps class indices to labels (e.g. the seen classes for training). */
export function synthBatch(world: SynthWorld, items: readonly SynthBatchItem[], options: SynthVideoOptions = {}, labelSpace?: readonly number[]): SynthBatch {
  if (items.length === 0) throw new RangeError('synthBatch: no items')
  const videos = items.map((it) => generateSynthVideo(world, it.classIndex, it.videoIndex, options))
  const per = videos[0]!.data.length
  const data = new Uint8Array(per * videos.length)
  videos.forEach((v, i) => data.set(v.data, i * per))
  const labels = items.map((it) => {
    if (!labelSpace) return it.classIndex
    const l = labelSpace.indexOf(it.classIndex)
    if (l < 0) throw new RangeError(`class ${it.classIndex} is not in the label space`)
    return l
  })
  return { data, shape: [videos.length, ...videos[0]!.shape], labels, items: [...items], captions: videos.map((v) => v.captions) }
}
