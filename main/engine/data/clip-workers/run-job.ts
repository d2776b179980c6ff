import { loadEvalClip, loadTrainClip, type Clip } from '../sampling/clip'
import { rngFromState, type PortableRng } from '../../util/random'
import type { ClipJob, JobReply } from './protocol'
import { serializeError } from './serialize-error'

/** A reply and the buffers to transfer with it (moved to the other thread, not copied). */
export interface ReplyMessage {
  reply: JobReply
  transfer: ArrayBuffer[]
}

/** `data` on a buffer of its own, so that transferring the buffer moves exactly this array. */
function ownBuffer(data: Float32Array): Float32Array<ArrayBuffer> {
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer
  return whole ? (data as Float32Array<ArrayBuffer>) : new Float32Array(data)
}

/** Makes one clip on this thread (decode, sample, crop/flip, normalise); any error becomes a reply. */
export async function runClipJob(job: ClipJob): Promise<ReplyMessage> {
  const rng: PortableRng | null = job.kind === 'train' ? rngFromState(job.rng) : null
  try {
    const clip: Clip = rng ? await loadTrainClip(job.item, rng, job.options) : await loadEvalClip(job.item, job.options)
    const { item: _item, ...body } = clip
    const data = ownBuffer(body.data)
    const state = rng ? rng.getState() : null
    return {
      reply: { type: 'done', id: job.id, ok: true, clip: { ...body, data }, rng: state },
      transfer: [data.buffer, ...(state ? [state.words.buffer as ArrayBuffer] : [])],
    }
  } catch (error) {
    return { reply: { type: 'done', id: job.id, ok: false, error: serializeError(error), rng: rng ? rng.getState() : null }, transfer: [] }
  }
}
