import { readdirSync } from 'node:fs'
import { extname, join } from 'node:path'

export const VIDEO_EXTENSIONS = ['.mp4', '.avi', '.webm', '.mkv', '.mov', '.m4v'] as const

/**
 * Every video file under `dir` (any depth), by file name without extension: Kinetics files are named
 * `<ytid>_<start6>_<end6>.mp4` whether they sit in class folders or in one flat folder.
 */
export function indexVideoFiles(dir: string): Map<string, string> {
  const index = new Map<string, string>()
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if ((VIDEO_EXTENSIONS as readonly string[]).includes(extname(e.name).toLowerCase())) {
        const key = e.name.slice(0, -extname(e.name).length)
        if (!index.has(key)) index.set(key, p)
      }
    }
  }
  walk(dir)
  return index
}

/** `<ytid>_<start6>_<end6>`, the name the Kinetics download scripts give a clip. */
export function kineticsClipName(youtubeId: string, start: number, end: number): string {
  const pad = (n: number): string => String(Math.trunc(n)).padStart(6, '0')
  return `${youtubeId}_${pad(start)}_${pad(end)}`
}
