/**
 * Entry of a clip worker thread (bundled as out/main/clip-worker.js: see electron.vite.config.ts and
 * locate.ts). It makes the clips a ClipWorkerPool asks for: serve.ts.
 */
import { parentPort } from 'node:worker_threads'
import { serveClipJobs } from './serve'

if (!parentPort) throw new Error('the clip worker must be started as a worker thread (ClipWorkerPool)')
serveClipJobs(parentPort)
