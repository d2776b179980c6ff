import type { Rng } from '../../util/random'

/** How frames are picked from a video (docs/method.md §2 and §5.1; the default in §9). */
export interface TemporalOptions {
  /** Frames per clip (T). */
  numFrames: number
  /**
   * `window`: T frames evenly spaced (linspace) in a window of `samplingRate·T/targetFps` seconds, as
   * PySlowFast; `segments`: TSN-style, one frame from each of T equal segments of the whole video;
   * `span`: T frames evenly over the whole video, mirror-symmetric (a reversed video gives the same
   * frames in reverse order) — SynthMotion's sampling, so no frame set tells a motion from its reverse.
   */
  mode: 'window' | 'segments' | 'span'
  /** Window mode: stride in frames at `targetFps` (16 in the reference). */
  samplingRate: number
  /** Window mode: the frame rate the stride is counted at (30 in the reference). */
  targetFps: number
}

export const REFERENCE_TEMPORAL: TemporalOptions = { numFrames: 8, mode: 'window', samplingRate: 16, targetFps: 30 }

/** Window length in source frames: `samplingRate·T / targetFps · videoFps` (PySlowFast `clip_size`). */
export function windowLength(opts: TemporalOptions, videoFps: number): number {
  return ((opts.samplingRate * opts.numFrames) / opts.targetFps) * videoFps
}

/**
 * `torch.linspace(start, end, steps)` in float32 (first half from the start, second half from the
 * end, as ATen computes it), clamped to [0, frameCount − 1] and truncated (`.long()`).
 */
export function linspaceIndices(start: number, end: number, steps: number, frameCount: number): number[] {
  const f = Math.fround
  const s = f(start)
  const e = f(end)
  const step = steps > 1 ? f(f(e - s) / (steps - 1)) : 0
  const half = Math.floor(steps / 2)
  const out: number[] = []
  for (let i = 0; i < steps; i++) {
    const v = i < half ? f(s + f(step * i)) : f(e - f(step * (steps - i - 1)))
    out.push(Math.trunc(Math.min(Math.max(v, 0), frameCount - 1)))
  }
  return out
}

/** Training: a window starting uniformly in [0, max(0, n − clipSize)] (PySlowFast `clip_idx = −1`). */
export function trainIndices(frameCount: number, videoFps: number, opts: TemporalOptions, rng: Rng): number[] {
  if (opts.mode === 'span') return spanIndices(frameCount, opts.numFrames)
  if (opts.mode === 'segments') return segmentIndices(frameCount, opts.numFrames, () => rng.random())
  const size = windowLength(opts, videoFps)
  const start = rng.random() * Math.max(frameCount - size, 0)
  return linspaceIndices(start, start + size - 1, opts.numFrames, frameCount)
}

/** Evaluation view `view` of `views`: window start `max(0, n − clipSize)·view/views`; segments at offset (view + ½)/views. */
export function evalIndices(frameCount: number, videoFps: number, opts: TemporalOptions, view: number, views: number): number[] {
  if (opts.mode === 'span') return spanIndices(frameCount, opts.numFrames)
  if (opts.mode === 'segments') return segmentIndices(frameCount, opts.numFrames, () => (view + 0.5) / views)
  const size = windowLength(opts, videoFps)
  const start = (Math.max(frameCount - size, 0) * view) / views
  return linspaceIndices(start, start + size - 1, opts.numFrames, frameCount)
}

/** TSN: segment k covers [k·n/T, (k+1)·n/T); the frame at fraction `offset()` of it. */
export function segmentIndices(frameCount: number, numFrames: number, offset: () => number): number[] {
  const seg = frameCount / numFrames
  return Array.from({ length: numFrames }, (_, k) => Math.min(frameCount - 1, Math.floor(seg * k + offset() * seg)))
}

/**
 * T frames evenly over all `frameCount`, first and last included, mirror-symmetric:
 * index[T − 1 − i] = frameCount − 1 − index[i] (the first half rounds to nearest, the second half mirrors it;
 * an odd T on an even frame count has no middle frame, so there the middle pick is the lower one).
 */
export function spanIndices(frameCount: number, numFrames: number): number[] {
  if (numFrames === 1) return [Math.floor((frameCount - 1) / 2)]
  const out = new Array<number>(numFrames)
  for (let i = 0; i < Math.ceil(numFrames / 2); i++) {
    const v = Math.min(frameCount - 1, Math.round((i * (frameCount - 1)) / (numFrames - 1)))
    out[numFrames - 1 - i] = frameCount - 1 - v
    out[i] = v
  }
  return out
}
