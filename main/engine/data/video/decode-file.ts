import { readFileSync, rmSync } from 'node:fs'
import { VideoDecodeError } from '../errors'
import { filtersOrNull, gatherFrames, selectFilter, spatialFilters, uniqueIndices } from './filters'
import { ffmpegInputUrl } from './probe'
import { runProcess } from './run-process'
import { scratchFile } from './scratch'
import { DECODE_TIMEOUT_MS, ffmpegTools } from './tools'
import { planOutputSize, type DecodedFrames, type DecodeOptions, type SpatialPlan, type VideoInfo } from './types'

/**
 * Decodes exact frame indices of a video file in one ffmpeg process: select → scale → crop → raw RGB,
 * into a scratch file (default) or over stdout (`output: 'pipe'`). ffmpeg stops after the last wanted
 * frame (`-frames:v`).
 */
export async function decodeFileFrames(path: string, info: VideoInfo, indices: readonly number[], plan: SpatialPlan, options: DecodeOptions = {}): Promise<DecodedFrames> {
  if (indices.length === 0) throw new RangeError('decodeFileFrames: no frame indices')
  for (const i of indices) if (!Number.isInteger(i) || i < 0) throw new RangeError(`decodeFileFrames: bad frame index ${i}`)
  const { unique, position } = uniqueIndices(indices)
  const { width, height } = planOutputSize(plan, info.width, info.height)
  const frameBytes = width * height * 3
  const timeoutMs = options.timeoutMs ?? DECODE_TIMEOUT_MS
  const { ffmpeg } = ffmpegTools()
  const args = ['-nostdin', '-hide_banner', '-v', 'error']
  if (options.threads) args.push('-threads', String(options.threads))
  args.push('-i', ffmpegInputUrl(path), '-an', '-sn', '-vf', filtersOrNull([selectFilter(unique), ...spatialFilters(plan)]))
  const toFile = (options.output ?? 'file') === 'file'
  const target = toFile ? scratchFile('rgb') : null
  args.push('-frames:v', String(unique.length), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24')
  args.push(...(target ? ['-y', `file:${target}`] : ['pipe:1']))
  let raw: Uint8Array
  try {
    const r = await runProcess(ffmpeg, args, { timeoutMs, maxStdoutBytes: unique.length * frameBytes })
    if (r.timedOut) throw new VideoDecodeError(path, `ffmpeg took longer than ${timeoutMs / 1000} s`, r.stderr)
    if (r.code !== 0) throw new VideoDecodeError(path, `ffmpeg failed (exit ${r.code ?? r.signal})`, r.stderr)
    raw = target ? readFileSync(target) : r.stdout
  } finally {
    if (target) rmSync(target, { force: true })
  }
  const decoded = Math.floor(raw.length / frameBytes)
  if (decoded === 0) throw new VideoDecodeError(path, `ffmpeg decoded none of frames ${unique[0]}…${unique[unique.length - 1]} (the video reports ${info.frameCount})`)
  const { data, pastEnd } = gatherFrames(raw, frameBytes, decoded, position)
  return { data, shape: [indices.length, height, width, 3], indices: [...indices], pastEnd }
}
