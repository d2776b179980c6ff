import { loadEvalClip, loadTrainClip, type Clip, type ClipOptions } from '../sampling/clip'
import type { Rng } from '../../util/random'
import type { VideoItem } from '../types'

/**
 * Where clips are made: on this thread (`inThreadLoader`), or in worker threads (`ClipWorkerPool`),
 * which keep ffprobe/ffmpeg's output handling, crop/flip and normalisation off the thread that runs
 * the model. Both give byte-identical clips and the same per-video errors (DataError subclasses).
 */
export interface ClipLoader {
  /** Worker threads behind this loader (0: the calling thread does the work). */
  readonly workers: number
  evalClip(item: VideoItem, options?: ClipOptions): Promise<Clip>
  /** Draws from `rng` exactly as `loadTrainClip` does; `rng` ends in the same state. */
  trainClip(item: VideoItem, rng: Rng, options?: ClipOptions): Promise<Clip>
  /** Stops the workers (pending loads reject); a no-op on this thread. */
  close(): Promise<void>
}

/** The pre-worker path: everything on the calling thread (`STDD_DATA_WORKERS=0`). */
export const inThreadLoader: ClipLoader = {
  workers: 0,
  evalClip: (item, options) => loadEvalClip(item, options),
  trainClip: (item, rng, options) => loadTrainClip(item, rng, options),
  close: async () => {},
}
