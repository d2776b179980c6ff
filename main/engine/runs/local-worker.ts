import { fork } from 'node:child_process'
import { appendFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BackendName } from '../../../contract'
import type { WorkerControlMessage } from '../worker/worker-main'
import type { LaunchedWorker, RunLauncher, WorkerExit } from './launcher'

/** How long a worker has to stop after a cancel message before SIGTERM, and after SIGTERM before SIGKILL. */
export const CANCEL_GRACE_MS = 10_000
/** Lines of a worker's stderr kept to explain its death. */
const KEPT_LINES = 20

export interface LocalWorkerOptions {
  /** Forced on every worker (`--backend`). */
  backend?: BackendName
  /** Tried first by each worker, at its start (the Settings' default backend). */
  preferredBackend?(): BackendName | null
  cancelGraceMs?: number
  /** How to start `stdd worker` (default: the CLI this engine was built with, see {@link cliEntry}). */
  entry?: { script: string; execArgv: string[] }
}

/**
 * The CLI that runs `stdd worker`, seen from this module: the TypeScript source under tsx when this is
 * source (tests, `node --import tsx main/cli.ts`), else the bundle `cli.js` beside this code's bundle
 * (out/main, or its parent when this code is in a shared chunk).
 */
export function cliEntry(from: string = import.meta.url): { script: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(from))
  if (from.endsWith('.ts')) return { script: join(here, '..', '..', 'cli.ts'), execArgv: ['--import', 'tsx'] }
  for (const dir of [here, dirname(here)]) if (existsSync(join(dir, 'cli.js'))) return { script: join(dir, 'cli.js'), execArgv: [] }
  throw new Error(`the CLI bundle cli.js (which runs "stdd worker") is missing from ${here} and its parent folder: rebuild ("npm run build")`)
}

/**
 * The local executor: each run's worker is a child process (`stdd worker --run-dir DIR`) with an IPC
 * channel. Its stderr goes to DIR/worker.log (its last lines explain a death). Cancel: a `cancel`
 * message, then SIGTERM, then SIGKILL, each after the grace period. A worker whose engine dies stops
 * at its next step (it sees the channel close).
 */
export function localWorkerLauncher(opts: LocalWorkerOptions = {}): RunLauncher {
  const grace = opts.cancelGraceMs ?? CANCEL_GRACE_MS
  return {
    launch(runDir): LaunchedWorker {
      const entry = opts.entry ?? cliEntry()
      const preferred = opts.preferredBackend?.() ?? null
      const args = ['worker', '--run-dir', runDir, ...(opts.backend ? ['--backend', opts.backend] : []), ...(preferred ? ['--prefer-backend', preferred] : [])]
      // Electron's utility process: its executable runs the worker as plain Node.
      const env = process.versions.electron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env
      const child = fork(entry.script, args, { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env })
      const lines: string[] = []
      let partial = ''
      const log = join(runDir, 'worker.log')
      child.stderr!.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8')
        try {
          appendFileSync(log, text)
        } catch {
          // a full disk: the lines are still kept below
        }
        const parts = (partial + text).split('\n')
        partial = parts.pop()!
        lines.push(...parts.filter((l) => l.trim() !== ''))
        lines.splice(0, Math.max(0, lines.length - KEPT_LINES))
      })
      const timers: NodeJS.Timeout[] = []
      const exited = new Promise<WorkerExit>((resolve) => {
        child.once('error', (err) => lines.push(`could not start the worker: ${err.message}`))
        child.once('close', (code, signal) => {
          for (const t of timers) clearTimeout(t)
          if (partial.trim()) lines.push(partial)
          resolve({ code, signal, lastLines: lines.slice() })
        })
      })
      let cancelling = false
      return {
        cancel() {
          if (cancelling || child.exitCode !== null || child.signalCode !== null) return
          cancelling = true
          const message: WorkerControlMessage = { type: 'cancel' }
          if (child.connected) child.send(message)
          timers.push(
            setTimeout(() => {
              child.kill('SIGTERM')
              timers.push(setTimeout(() => child.kill('SIGKILL'), grace))
            }, grace),
          )
        },
        exited,
        onAppend: () => undefined,
      }
    },
  }
}
