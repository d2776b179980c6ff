import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** How to start a worker thread: its script, and what it receives as `workerData`. */
export interface WorkerEntry {
  script: URL
  workerData?: unknown
}

/** The bundled worker's file name: the `clip-worker` input of electron.vite.config.ts (main). */
export const BUILT_WORKER_FILE = 'clip-worker.js'

/**
 * A TypeScript worker module started through tsx-bootstrap.mjs (next to this file), which registers
 * tsx in the worker first. Needs the tsx devDependency, so only for unbundled runs and tests.
 */
export function tsWorkerEntry(module: URL, from: string = import.meta.url): WorkerEntry {
  return { script: new URL('./tsx-bootstrap.mjs', from), workerData: { entry: module.href } }
}

/**
 * Where the clip worker is, seen from the module at `from` (this one by default):
 *
 * - running TypeScript sources (vitest, `node --import tsx main/cli.ts`; the URL ends in .ts): the
 *   source `entry.ts` beside this file, through tsx. Never the built file: it may be older than the
 *   sources under test.
 * - running the bundles (`bin/stdd.mjs`, Electron's utility process, the packaged app): electron-vite
 *   builds `clip-worker.js` into out/main, beside index.js, cli.js and engine-host.js; this code may sit
 *   in one of those or in a shared chunk under out/main/chunks, so both folders are searched.
 *   Electron reads worker scripts inside an asar archive too.
 */
export function clipWorkerEntry(from: string = import.meta.url): WorkerEntry {
  if (from.endsWith('.ts')) return tsWorkerEntry(new URL('./entry.ts', from), from)
  const here = dirname(fileURLToPath(from))
  for (const dir of [here, dirname(here)]) {
    const file = join(dir, BUILT_WORKER_FILE)
    if (existsSync(file)) return { script: pathToFileURL(file) }
  }
  throw new Error(`the clip worker ${BUILT_WORKER_FILE} is missing from ${here} and its parent folder: rebuild ("npm run build"), or set STDD_DATA_WORKERS=0 to decode on the engine thread`)
}
