import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { FfmpegInfo } from '../../../contract'

export const FFMPEG_INSTALL_HINT =
  'install ffmpeg (Debian/Ubuntu: "sudo apt-get install ffmpeg"; macOS: "brew install ffmpeg"; Windows: "winget install ffmpeg"), or set STDD_FFMPEG and STDD_FFPROBE to the programs\' paths'

/** Finds an executable on PATH (no shell involved). */
export function whichSync(program: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE').split(';') : ['']
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    for (const ext of exts) {
      const candidate = join(dir, program + ext)
      try {
        accessSync(candidate, constants.X_OK)
        return candidate
      } catch {
        // not here
      }
    }
  }
  return null
}

/** Locates the system ffmpeg and ffprobe (`STDD_FFMPEG` / `STDD_FFPROBE` override PATH). */
export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegInfo {
  const ffmpegPath = env.STDD_FFMPEG || whichSync('ffmpeg', env)
  const ffprobePath = env.STDD_FFPROBE || whichSync('ffprobe', env)
  if (!ffmpegPath || !ffprobePath) {
    const missing = [!ffmpegPath && 'ffmpeg', !ffprobePath && 'ffprobe'].filter(Boolean).join(' and ')
    return { found: false, ffmpegPath, ffprobePath, version: null, hint: `${missing} not found: ${FFMPEG_INSTALL_HINT}` }
  }
  const out = spawnSync(ffmpegPath, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 })
  if (out.status !== 0) {
    return { found: false, ffmpegPath, ffprobePath, version: null, hint: `${ffmpegPath} does not run (${out.error?.message ?? out.stderr.trim()}): ${FFMPEG_INSTALL_HINT}` }
  }
  const version = /ffmpeg version (\S+)/.exec(out.stdout)?.[1] ?? 'unknown'
  return { found: true, ffmpegPath, ffprobePath, version, hint: null }
}
