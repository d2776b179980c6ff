import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { VideoDecodeError } from '../errors'
import { runProcess } from './run-process'
import { ffmpegTools, PROBE_TIMEOUT_MS } from './tools'
import type { VideoInfo } from './types'

interface ProbeJson {
  streams?: { width?: number; height?: number; nb_frames?: string; avg_frame_rate?: string; r_frame_rate?: string; duration?: string }[]
  format?: { duration?: string }
}

function rate(text: string | undefined): number {
  if (!text) return NaN
  const [n = NaN, d] = text.split('/').map(Number)
  return d ? n / d : n
}

/** `file:` + absolute path, so that a name with a colon is never read as a protocol (http:, pipe:, …). */
export function ffmpegInputUrl(path: string): string {
  return `file:${resolve(path)}`
}

/** Width, height, frame count and fps of a video file, from one ffprobe call. */
export async function probeVideoFile(path: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<VideoInfo> {
  if (!existsSync(path)) throw new VideoDecodeError(path, 'video file not found', '', 'check the data set root; the annotation lists it but it is not on disk')
  const { ffprobe } = ffmpegTools()
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,nb_frames,avg_frame_rate,r_frame_rate,duration:format=duration', '-of', 'json', ffmpegInputUrl(path)]
  const r = await runProcess(ffprobe, args, { timeoutMs })
  if (r.timedOut) throw new VideoDecodeError(path, `ffprobe took longer than ${timeoutMs / 1000} s`, r.stderr)
  if (r.code !== 0) throw new VideoDecodeError(path, `ffprobe cannot read the file (exit ${r.code ?? r.signal})`, r.stderr)
  let json: ProbeJson
  try {
    json = JSON.parse(r.stdout.toString('utf8')) as ProbeJson
  } catch {
    throw new VideoDecodeError(path, 'ffprobe printed no JSON', r.stderr)
  }
  const s = json.streams?.[0]
  if (!s || !s.width || !s.height) throw new VideoDecodeError(path, 'no video stream', r.stderr, 'the file has no video track, or it is not a video')
  let fps = rate(s.avg_frame_rate)
  if (!(fps > 0)) fps = rate(s.r_frame_rate)
  const duration = Number(s.duration ?? json.format?.duration)
  const nb = Number(s.nb_frames)
  const exact = Number.isInteger(nb) && nb > 0
  const frameCount = exact ? nb : Math.round(duration * fps)
  if (!(frameCount > 0)) throw new VideoDecodeError(path, 'cannot tell the number of frames (no nb_frames, duration or frame rate)', r.stderr, 'remux it, e.g. "ffmpeg -i IN -c copy OUT.mp4"')
  return { kind: 'file', width: s.width, height: s.height, frameCount, frameCountExact: exact, fps: fps > 0 ? fps : 30, duration: Number.isFinite(duration) ? duration : frameCount / (fps > 0 ? fps : 30) }
}
