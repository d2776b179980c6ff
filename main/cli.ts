/** Entry of the `stdd` command line (built to out/main/cli.js; bin/stdd.mjs starts it). */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCli } from './cli/run-cli'

const here = dirname(fileURLToPath(import.meta.url))
const fromSource = import.meta.url.endsWith('.ts')
const repoRoot = fromSource ? dirname(here) : dirname(dirname(here))
const outDir = join(repoRoot, 'out')

const stopSignal = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve())
  process.once('SIGTERM', () => resolve())
})

const code = await runCli(process.argv.slice(2), {
  io: { out: (t) => process.stdout.write(t + '\n'), err: (t) => process.stderr.write(t + '\n') },
  rendererDir: join(outDir, 'renderer'),
  engineHost: fromSource
    ? { hostPath: join(repoRoot, 'main', 'engine', 'host.ts'), execArgv: ['--import', 'tsx'] }
    : { hostPath: join(outDir, 'main', 'engine-host.js'), execArgv: [] },
  stopSignal,
})
// Exit once stdout has drained (a pipe's writes are asynchronous), whatever handles remain open.
process.stdout.write('', () => process.exit(code))
