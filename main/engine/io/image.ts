import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { findFfmpeg } from '../system/ffmpeg'
import { decodePng, type RgbImage } from './png'

const PNG_SIGNATURE = [137, 80, 78, 71]

/**
 * Reads an image file as 8-bit RGB: PNG natively; any other format (JPEG, WebP, …) through the
 * system ffmpeg (its first frame), when ffmpeg is installed.
 */
export function readImageFile(path: string): RgbImage {
  const bytes = readFileSync(path)
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return decodePng(bytes, path)
  const ff = findFfmpeg()
  if (!ff.found || !ff.ffmpegPath || !ff.ffprobePath) throw new Error(`${path}: not a PNG; other image formats are read through ffmpeg, which is not available (${ff.hint})`)
  const probe = spawnSync(ff.ffprobePath, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0:s=x', path], { encoding: 'utf8', timeout: 30_000 })
  const m = /^(\d+)x(\d+)/.exec(probe.stdout?.trim() ?? '')
  if (probe.status !== 0 || !m) throw new Error(`${path}: ffprobe cannot read it as an image (${(probe.stderr ?? '').trim().split('\n')[0] || 'no video stream'})`)
  const width = Number(m[1])
  const height = Number(m[2])
  const out = spawnSync(ff.ffmpegPath, ['-nostdin', '-v', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { timeout: 60_000, maxBuffer: width * height * 3 + 1024 })
  if (out.status !== 0 || out.stdout.length !== width * height * 3) throw new Error(`${path}: ffmpeg could not decode it (${out.stderr.toString().trim().split('\n')[0] || `got ${out.stdout.length} bytes`})`)
  return { width, height, data: new Uint8Array(out.stdout.buffer, out.stdout.byteOffset, out.stdout.length) }
}
