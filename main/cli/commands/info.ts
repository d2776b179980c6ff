import { describeBackend } from '../../engine/tf/backend'
import { startInProcessEngine } from '../../engine/in-process'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS, engineOptions } from '../global-options'
import type { CliCommand } from '../types'

export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'the active TensorFlow.js backend, versions, data folder and whether ffmpeg is found',
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
      ]
      io.out(lines.join('\n'))
      return 0
    } finally {
      await conn.close()
    }
  },
}
