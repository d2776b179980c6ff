import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { VideoDecodeError } from '../errors'
import { filtersOrNull, gatherFrames, spatialFilters, uniqueIndices } from './filters'
import { ffmpegInputUrl } from './probe'
import { runProcess } from './run-process'
import { scratchFile } from './scratch'
import { DECODE_TIMEOUT_MS, ffmpegTools, PROBE_TIMEOUT_MS } from './tools'
import { planOutputSize, type DecodedFrames, type DecodeOptions, type SpatialPlan, type VideoInfo } from './types'

const FRAME_NAME = /^(.*?)(\d+)\.(jpe?g|png)$/i

/** The frame files of a folder (`img_00001.jpg` …), in frame-number order; the largest same-prefix group wins. */
export function listFrameFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new VideoDecodeError(dir, 'frame folder not found', '', 'check the data set root; the annotation lists it but it is not on disk')
  const groups = new Map<string, { name: string; n: number }[]>()
  for (const name of readdirSync(dir)) {
    const m = FRAME_NAME.exec(name)
    if (!m) continue
    const key = `${m[1]}|${m[3]!.toLowerCase()}`
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key)?.push({ name, n: Number(m[2]) })
  }
  const best = [...groups.values()].sort((a, b) => b.length - a.length)[0]
  if (!best) throw new VideoDecodeError(dir, 'no frame images (expected names like img_00001.jpg)', '', 'extract frames as <prefix><number>.jpg or .png')
  return best.sort((a, b) => a.n - b.n).map((f) => join(dir, f.name))
}

/** Size from the first image (one ffprobe call), frame count from the file list; `fps` is what the data set was extracted at. */
export async function probeFrameFolder(dir: string, fps = 30): Promise<VideoInfo & { files: string[] }> {
  const files = listFrameFiles(dir)
  const { ffprobe } = ffmpegTools()
  const r = await runProcess(ffprobe, ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', ffmpegInputUrl(files[0]!)], { timeoutMs: PROBE_TIMEOUT_MS })
  const [w = NaN, h = NaN] = r.stdout.toString('utf8').trim().split(',').map(Number)
  if (r.code !== 0 || !(w > 0) || !(h > 0)) throw new VideoDecodeError(files[0]!, 'cannot read the image size', r.stderr)
  return { kind: 'frames', width: w, height: h, frameCount: files.length, frameCountExact: true, fps, duration: files.length / fps, files }
}

/** A line of an ffconcat list: `file '<path>'` with single quotes escaped. */
function concatLine(file: string): string {
  return `file '${file.replace(/'/g, "'\\''")}'\n`
}

/**
 * Decodes the chosen frames of a frame folder in one ffmpeg process: the chosen files go into an
 * ffconcat list, the frames come back through a scratch file (no pipes, so a busy thread does not stall it).
 */
export async function decodeFolderFrames(files: readonly string[], info: VideoInfo, indices: readonly number[], plan: SpatialPlan, options: DecodeOptions = {}): Promise<DecodedFrames> {
  const { unique, position } = uniqueIndices(indices)
  const chosen = unique.map((i) => {
    const f = files[Math.min(i, files.length - 1)]!
    if (!existsSync(f)) throw new VideoDecodeError(f, `frame ${i} is missing`, '', 'the frame folder changed since it was listed; extract the frames again')
    return f
  })
  const { width, height } = planOutputSize(plan, info.width, info.height)
  const frameBytes = width * height * 3
  const timeoutMs = options.timeoutMs ?? DECODE_TIMEOUT_MS
  const list = scratchFile('ffconcat')
  const target = scratchFile('rgb')
  writeFileSync(list, 'ffconcat version 1.0\n' + chosen.map(concatLine).join(''))
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-f', 'concat', '-safe', '0', '-i', `file:${list}`]
  args.push('-vf', filtersOrNull(spatialFilters(plan)), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', `file:${target}`)
  const where = chosen[0]!
  let raw: Uint8Array
  try {
    const r = await runProcess(ffmpegTools().ffmpeg, args, { timeoutMs })
    if (r.timedOut) throw new VideoDecodeError(where, `ffmpeg took longer than ${timeoutMs / 1000} s`, r.stderr)
    if (r.code !== 0) throw new VideoDecodeError(where, `ffmpeg cannot decode the frame images (exit ${r.code ?? r.signal})`, r.stderr)
    raw = readFileSync(target)
  } finally {
    rmSync(list, { force: true })
    rmSync(target, { force: true })
  }
  const decoded = Math.floor(raw.length / frameBytes)
  if (decoded < unique.length) throw new VideoDecodeError(where, `ffmpeg decoded ${decoded} of ${unique.length} frame images`, '', 'one of the images is broken or has a different size')
  const { data } = gatherFrames(raw, frameBytes, decoded, position)
  return { data, shape: [indices.length, height, width, 3], indices: [...indices], pastEnd: 0 }
}
