export { createClipLoader, dataWorkersFromEnv, DEFAULT_DATA_WORKERS } from './create'
export { inThreadLoader, type ClipLoader } from './loader'
export { ClipWorkerPool, type ClipPoolOptions } from './pool'
export { BUILT_WORKER_FILE, clipWorkerEntry, tsWorkerEntry, type WorkerEntry } from './locate'
