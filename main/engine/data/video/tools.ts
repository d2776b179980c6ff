import { findFfmpeg } from '../../system/ffmpeg'
import { FfmpegNotFoundError } from '../errors'

export interface FfmpegTools {
  ffmpeg: string
  ffprobe: string
}

let cached: FfmpegTools | null = null

/** The system ffmpeg and ffprobe (`STDD_FFMPEG` / `STDD_FFPROBE` override PATH), or one install message. */
export function ffmpegTools(): FfmpegTools {
  if (cached) return cached
  const info = findFfmpeg()
  if (!info.found || !info.ffmpegPath || !info.ffprobePath) throw new FfmpegNotFoundError('ffmpeg', info.hint ?? undefined)
  cached = { ffmpeg: info.ffmpegPath, ffprobe: info.ffprobePath }
  return cached
}

/** Forget the located programs (tests that change STDD_FFMPEG). */
export function resetFfmpegTools(): void {
  cached = null
}

/** Default per-process limits: a probe is quick; decoding grows with the video's length. */
export const PROBE_TIMEOUT_MS = 20_000
export const DECODE_TIMEOUT_MS = 120_000
