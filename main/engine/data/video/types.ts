/** What decoding needs to know about a video before choosing frames. */
export interface VideoInfo {
  kind: 'file' | 'frames'
  width: number
  height: number
  /** Number of frames (exact for frame folders and most containers; estimated from duration × fps otherwise). */
  frameCount: number
  frameCountExact: boolean
  fps: number
  /** Seconds. */
  duration: number
}

/** Resize then crop, done inside ffmpeg. `null` parts are skipped (native size). */
export interface SpatialPlan {
  scale: { width: number; height: number } | null
  crop: { x: number; y: number; width: number; height: number } | null
}

export const NATIVE_SIZE: SpatialPlan = { scale: null, crop: null }

/** Frames as RGB bytes, frame-major: `data[((t·H + y)·W + x)·3 + c]`. */
export interface DecodedFrames {
  data: Uint8Array
  shape: [number, number, number, 3]
  /** The frame indices, in the order of `data` (repeats allowed). */
  indices: number[]
  /** How many requested indices lay past the real end of the video (frame count was an estimate) and repeat the last decoded frame. */
  pastEnd: number
}

export interface DecodeOptions {
  timeoutMs?: number
  /** ffmpeg decoder threads (default: ffmpeg's choice). */
  threads?: number
  /**
   * Where ffmpeg writes the frames: a scratch file in tmpfs (default), which lets it run to the end while
   * this thread is busy, or stdout (`pipe`), which stalls whenever the 64 KB pipe is full and unread.
   */
  output?: 'file' | 'pipe'
}

/** Output size of a plan applied to a `width`×`height` source. */
export function planOutputSize(plan: SpatialPlan, width: number, height: number): { width: number; height: number } {
  if (plan.crop) return { width: plan.crop.width, height: plan.crop.height }
  if (plan.scale) return { width: plan.scale.width, height: plan.scale.height }
  return { width, height }
}
