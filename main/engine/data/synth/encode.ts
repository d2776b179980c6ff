import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { VideoDecodeError } from '../errors'
import { runProcess } from '../video/run-process'
import { ffmpegTools } from '../video/tools'

export interface EncodeOptions {
  fps: number
  /** mpeg4 (MPEG-4 Part 2 in AVI, like UCF101's Xvid files) quantiser, 1 (best) … 31. Default 2. */
  quality?: number
  timeoutMs?: number
}

/** Encodes `[T, H, W, 3]` RGB bytes into an AVI file (MPEG-4 Part 2, yuv420p) with the system ffmpeg. */
export async function encodeAvi(file: string, data: Uint8Array, shape: readonly [number, number, number, 3], options: EncodeOptions): Promise<void> {
  const [t, h, w] = shape
  if (data.length !== t * h * w * 3) throw new RangeError(`encodeAvi: ${data.length} bytes do not make [${shape}]`)
  if (w % 2 || h % 2) throw new RangeError(`encodeAvi: width and height must be even for yuv420p (got ${w}×${h})`)
  mkdirSync(dirname(file), { recursive: true })
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-r', String(options.fps), '-i', 'pipe:0']
  args.push('-c:v', 'mpeg4', '-q:v', String(options.quality ?? 2), '-pix_fmt', 'yuv420p', '-an', '-f', 'avi', `file:${resolve(file)}`)
  const timeoutMs = options.timeoutMs ?? 60_000
  const r = await runProcess(ffmpegTools().ffmpeg, args, { timeoutMs, stdin: Buffer.from(data.buffer, data.byteOffset, data.byteLength) })
  if (r.timedOut || r.code !== 0) throw new VideoDecodeError(file, r.timedOut ? `ffmpeg did not finish encoding in ${timeoutMs / 1000} s` : `ffmpeg could not encode (exit ${r.code ?? r.signal})`, r.stderr, 'check free disk space and that ffmpeg has the mpeg4 encoder')
}
