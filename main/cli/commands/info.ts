import type { MissingPiece } from '../../../contract'
import { installerOf, SYSTEM_PACKAGES } from '../../engine/system/missing'
import { describeBackend } from '../../engine/tf/backend'
import { startInProcessEngine } from '../../engine/in-process'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS, engineOptions } from '../global-options'
import type { CliCommand } from '../types'

export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'the active TensorFlow.js backend, versions, data folder, ffmpeg, and what is missing with the command that adds it',
  usage: '[--json] [--backend NAME] [--data-dir DIR]',
  details: ['--json           print one JSON object', ...ENGINE_OPTION_HELP],
  options: { json: { type: 'boolean' }, ...ENGINE_OPTIONS },
  async run({ values }, { io }) {
    const conn = await startInProcessEngine(engineOptions(values))
    try {
      await conn.engine.whenBackendReady()
      const info = await conn.engine.invoke('app.info', {})
      if (values.json) {
        io.out(JSON.stringify(info, null, 2))
        return 0
      }
      const lines = [
        `STDD Explorer ${info.appVersion}`,
        info.backend ? describeBackend(info.backend) : 'backend: not started',
        `versions: ${Object.entries(info.versions)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
        `data folder: ${info.dataDir}`,
        `database: ${info.databasePath} (schema ${info.schemaVersion})`,
        info.ffmpeg.found ? `ffmpeg: ${info.ffmpeg.version} (${info.ffmpeg.ffmpegPath}, ${info.ffmpeg.ffprobePath})` : `ffmpeg: NOT FOUND — ${info.ffmpeg.hint}`,
        `host: ${info.host} (${info.platform})`,
        ...describeMissing(info.missing, info.platform.split('-')[0] ?? ''),
      ]
      io.out(lines.join('\n'))
      return 0
    } finally {
      await conn.close()
    }
  },
}

/** The lines `stdd info` ends with: what is missing, the command that adds each, and all of them at once. */
export function describeMissing(missing: readonly MissingPiece[], platform: string): string[] {
  if (!missing.length) return ['missing: nothing']
  const lines = ['missing:', ...missing.flatMap((p) => [`  ${p.what}: ${p.why}`, `    add it: ${p.fix}`])]
  lines.push(`all system packages at once: ${SYSTEM_PACKAGES[installerOf(platform)]}${platform === 'linux' ? ' && npm run build:gemm' : ''}`)
  return lines
}
