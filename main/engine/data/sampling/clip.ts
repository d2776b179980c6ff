import type { VideoItem } from '../types'
import { openVideo, type OpenOptions } from '../video/source'
import type { DecodeOptions, VideoInfo } from '../video/types'
import type { Rng } from '../../util/random'
import { evalPlan, REFERENCE_SPATIAL, trainPlan, type SpatialOptions } from './spatial'
import { evalIndices, REFERENCE_TEMPORAL, trainIndices, type TemporalOptions } from './temporal'
import { CLIP_MEAN, CLIP_STD, flipHorizontal, normalize } from './transforms'

export interface ClipOptions {
  temporal: TemporalOptions
  spatial: SpatialOptions
  /** Evaluation: temporal views per video (3 in the reference; 1 spatial view, the centre). */
  views: number
  mean: readonly number[]
  std: readonly number[]
  decode?: DecodeOptions
  open?: OpenOptions
}

/** The reference recipe: 8 frames at stride 16 (30 fps), 224² crops, 3 × 1 evaluation views, CLIP mean/std. */
export const REFERENCE_CLIP: ClipOptions = { temporal: REFERENCE_TEMPORAL, spatial: REFERENCE_SPATIAL, views: 3, mean: CLIP_MEAN, std: CLIP_STD }

/** Normalised frames of one video, ready to become a tensor. */
export interface Clip {
  item: VideoItem
  /** `[V, T, S, S, 3]` float32, V = views (1 for training), channel-last RGB, normalised. */
  data: Float32Array
  shape: [number, number, number, number, 3]
  /** Frame indices of each view. */
  indices: number[][]
  info: VideoInfo
  flipped: boolean
  /** Indices that lay past the real end of the video (estimated frame count); they repeat the last decoded frame. */
  pastEnd: number
}

/** Evaluation clip: all views decoded by one ffmpeg process (short side → size, centre crop). */
export async function loadEvalClip(item: VideoItem, options: ClipOptions = REFERENCE_CLIP): Promise<Clip> {
  const video = await openVideo(item.path, options.open)
  const { info } = video
  const views = Array.from({ length: options.views }, (_, v) => evalIndices(info.frameCount, info.fps, options.temporal, v, options.views))
  const decoded = await video.decode(views.flat(), evalPlan(info.width, info.height, options.spatial.size), options.decode)
  const [, h, w] = decoded.shape
  return {
    item,
    data: normalize(decoded.data, options.mean, options.std),
    shape: [options.views, options.temporal.numFrames, h, w, 3],
    indices: views,
    info,
    flipped: false,
    pastEnd: decoded.pastEnd,
  }
}

/** Training clip: random window, short-side jitter, random crop, random flip. */
export async function loadTrainClip(item: VideoItem, rng: Rng, options: ClipOptions = REFERENCE_CLIP): Promise<Clip> {
  const video = await openVideo(item.path, options.open)
  const { info } = video
  const indices = trainIndices(info.frameCount, info.fps, options.temporal, rng)
  const { plan, flip } = trainPlan(info.width, info.height, options.spatial, rng)
  const decoded = await video.decode(indices, plan, options.decode)
  const [t, h, w] = decoded.shape
  if (flip) flipHorizontal(decoded.data, t, h, w)
  return { item, data: normalize(decoded.data, options.mean, options.std), shape: [1, t, h, w, 3], indices: [indices], info, flipped: flip, pastEnd: decoded.pastEnd }
}

/** Stacks clips of equal shape into one `[B, V, T, H, W, 3]` array. */
export function stackClips(clips: readonly Clip[]): { data: Float32Array; shape: [number, number, number, number, number, 3] } {
  if (clips.length === 0) throw new RangeError('stackClips: no clips')
  const shape = clips[0]!.shape
  const per = clips[0]!.data.length
  const data = new Float32Array(per * clips.length)
  clips.forEach((c, i) => {
    if (c.shape.join() !== shape.join()) throw new RangeError(`stackClips: clip ${i} has shape [${c.shape}], expected [${shape}]`)
    data.set(c.data, i * per)
  })
  return { data, shape: [clips.length, ...shape] }
}
