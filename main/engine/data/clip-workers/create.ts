import { inThreadLoader, type ClipLoader } from './loader'
import { ClipWorkerPool, type ClipPoolOptions } from './pool'

/** Clip worker threads when nothing says otherwise: one, for the one core the model leaves free on a 2-core machine. */
export const DEFAULT_DATA_WORKERS = 1

/** `STDD_DATA_WORKERS`: the number of clip worker threads; 0 makes clips on the engine thread. Unset: null. */
export function dataWorkersFromEnv(env: NodeJS.ProcessEnv = process.env): number | null {
  const text = env.STDD_DATA_WORKERS?.trim()
  if (!text) return null
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new RangeError(`STDD_DATA_WORKERS must be an integer from 0 to 64 (got "${text}")`)
  return n
}

/**
 * The clip loader of a training or evaluation: `workers` clip worker threads (default: STDD_DATA_WORKERS,
 * else 1), or the calling thread when that is 0. Close it when done; workers start on first use.
 */
export function createClipLoader(options: ClipPoolOptions = {}): ClipLoader {
  const workers = options.workers ?? dataWorkersFromEnv() ?? DEFAULT_DATA_WORKERS
  return workers === 0 ? inThreadLoader : new ClipWorkerPool({ ...options, workers })
}
