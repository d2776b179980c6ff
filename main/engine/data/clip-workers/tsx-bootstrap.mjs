// Starts a clip worker from TypeScript sources (vitest, `node --import tsx main/cli.ts`): a worker's
// own entry module is loaded before `--import tsx` in its execArgv could take effect, so this plain
// module registers tsx's loader in the worker and then imports the .ts entry named in workerData.
// Used only when the code runs unbundled; the build starts out/main/clip-worker.js directly.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
