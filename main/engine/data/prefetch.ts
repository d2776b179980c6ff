import { DataError } from './errors'

/** One finished load: its value, or the per-item error that evaluation skips and counts. */
export type Loaded<I, O> = { ok: true; item: I; index: number; value: O } | { ok: false; item: I; index: number; error: DataError }

export interface PrefetchOptions {
  /** Loads running ahead of the consumer (≥ 1). Each is one ffmpeg process, so 2 suits a 2-core machine. */
  depth?: number
  /** Filled in while iterating: how long the consumer waited for the next item, and how many loads failed. */
  stats?: PrefetchStats
}

export interface PrefetchStats {
  loads: number
  failed: number
  /** Total ms the consumer spent waiting for a load to finish (0 when decoding keeps ahead). */
  waitMs: number
}

export function newPrefetchStats(): PrefetchStats {
  return { loads: 0, failed: 0, waitMs: 0 }
}

/**
 * Yields `load(item)` for each item in order while keeping `depth` loads running in the background,
 * so decoding (child processes) overlaps the model step. A DataError (broken or missing video) is
 * yielded as `{ ok: false }`; any other error (e.g. ffmpeg missing) ends the iteration by throwing.
 */
export async function* prefetch<I, O>(items: Iterable<I>, load: (item: I, index: number) => Promise<O>, options: PrefetchOptions = {}): AsyncGenerator<Loaded<I, O>> {
  const depth = Math.max(1, Math.floor(options.depth ?? 2))
  const stats = options.stats
  const source = items[Symbol.iterator]()
  const queue: Promise<Loaded<I, O> | { fatal: unknown }>[] = []
  let index = 0
  const startNext = (): void => {
    const next = source.next()
    if (next.done) return
    const item = next.value
    const i = index++
    queue.push(
      load(item, i).then(
        (value) => ({ ok: true as const, item, index: i, value }),
        (error: unknown) => (error instanceof DataError ? { ok: false as const, item, index: i, error } : { fatal: error }),
      ),
    )
  }
  for (let k = 0; k < depth; k++) startNext()
  while (queue.length) {
    const t0 = performance.now()
    const result = await (queue.shift() as Promise<Loaded<I, O> | { fatal: unknown }>)
    if (stats) stats.waitMs += performance.now() - t0
    if ('fatal' in result) throw result.fatal
    startNext()
    if (stats) {
      stats.loads++
      if (!result.ok) stats.failed++
    }
    yield result
  }
}

/** Groups a stream of loads into batches of successful values; failures are passed to `onSkip`. */
export async function* batched<I, O>(stream: AsyncIterable<Loaded<I, O>>, batchSize: number, onSkip: (failure: Extract<Loaded<I, O>, { ok: false }>) => void): AsyncGenerator<O[]> {
  let batch: O[] = []
  for await (const r of stream) {
    if (!r.ok) {
      onSkip(r)
      continue
    }
    batch.push(r.value)
    if (batch.length === batchSize) {
      yield batch
      batch = []
    }
  }
  if (batch.length) yield batch
}
