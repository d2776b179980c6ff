import type { Clip, ClipOptions } from '../sampling/clip'
import type { RngState } from '../../util/random'
import type { VideoItem } from '../types'
import type { SerializedError } from './serialize-error'

/** The messages between a ClipWorkerPool (engine thread) and its clip workers. */

/** One clip to make: an evaluation clip, or a training clip drawn from a generator at `rng`. */
export type ClipJob = { type: 'job'; id: number; item: VideoItem; options: ClipOptions } & ({ kind: 'eval' } | { kind: 'train'; rng: RngState })

/** Finish the running jobs (so their scratch files are removed), then exit. */
export interface CloseRequest {
  type: 'close'
}

export type ToWorker = ClipJob | CloseRequest

/** A clip without its item (the pool has it); `data` arrives transferred, not copied. */
export type ClipBody = Omit<Clip, 'item'>

/** `rng`: the training generator's state after the job (also after a failure, as far as it drew), else null. */
export type JobReply = { type: 'done'; id: number; rng: RngState | null } & ({ ok: true; clip: ClipBody } | { ok: false; error: SerializedError })

/** `ready` once the worker listens (an exit before it is a start failure, not a video's fault). */
export type FromWorker = { type: 'ready' } | JobReply
