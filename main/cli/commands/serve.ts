import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startChildEngine } from '../../engine/child-process'
import { SupervisedEngine } from '../../engine/supervised-engine'
import { startServer } from '../../server/http-server'
import type { ServeInfo } from '../serve-child'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS, engineOptions } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'] as const

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'serve the explorer UI to a browser on this machine (127.0.0.1 only, token-protected)',
  usage: '[--port N] [--host 127.0.0.1|localhost|::1] [--json] [--backend NAME] [--data-dir DIR]',
  details: [
    '--port N         port to listen on (default: a free one)',
    '--json           print {"url","openUrl","token","port"} as one JSON line once listening',
    ...ENGINE_OPTION_HELP,
    'On a remote GPU machine: ssh -L 8765:127.0.0.1:8765 gpu-host, run "stdd serve --port 8765" there,',
    'and open the printed URL on your laptop.',
  ],
  options: { port: { type: 'string' }, host: { type: 'string' }, json: { type: 'boolean' }, ...ENGINE_OPTIONS },
  async run({ values }, { io, rendererDir, engineHost, stopSignal }) {
    const host = (values.host as string | undefined) ?? '127.0.0.1'
    if (!(LOOPBACK as readonly string[]).includes(host)) {
      throw new CliUsageError(`--host ${host}: the server listens on loopback only (${LOOPBACK.join(', ')}); reach it from another machine through an SSH tunnel`)
    }
    const port = values.port === undefined ? 0 : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`--port ${String(values.port)}: give a port number from 0 to 65535`)
    if (!existsSync(join(rendererDir, 'index.html'))) {
      throw new CliUsageError(`the UI is not built (${rendererDir}/index.html is missing): run "npm run build" first`)
    }
    // A dead engine process (an out-of-memory abort, a crashed addon) is restarted; its runs are marked interrupted.
    const engine = await SupervisedEngine.start({ start: () => startChildEngine({ ...engineHost, engine: { ...engineOptions(values), autoRun: true } }), log: (line) => io.err(`stdd serve: ${line}`) })
    const server = await startServer({ engine, rendererDir, port, host: host as (typeof LOOPBACK)[number] })
    const info: ServeInfo = { url: server.url, openUrl: server.openUrl, token: server.token, port: server.port }
    if (values.json) io.out(JSON.stringify(info))
    else io.out(`STDD Explorer is serving at\n\n  ${server.openUrl}\n\nOpen that URL in a browser (it carries this start's access token). Ctrl-C stops.`)
    await stopSignal
    await server.close()
    await engine.close()
    return 0
  },
}
