import type { MessagePort } from 'node:worker_threads'
import type { ClipJob, FromWorker, ToWorker } from './protocol'
import { runClipJob, type ReplyMessage } from './run-job'
import { serializeError } from './serialize-error'

/**
 * A clip worker's message loop on `port`: runs jobs as they come, several at a time (each mostly
 * waits on its ffprobe/ffmpeg child processes), and posts each clip back with its Float32Array
 * transferred. On `close` it lets running jobs finish (their finally blocks remove scratch files),
 * then closes the port, which ends the thread.
 */
export function serveClipJobs(port: MessagePort, run: (job: ClipJob) => Promise<ReplyMessage> = runClipJob): void {
  const running = new Set<Promise<void>>()
  let closing = false
  const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer)
  port.on('message', (message: ToWorker) => {
    if (message.type === 'close') {
      closing = true
      void Promise.allSettled([...running]).then(() => port.close())
      return
    }
    if (closing) return
    const job = run(message)
      .then(({ reply, transfer }) => post(reply, transfer))
      .catch((error: unknown) => post({ type: 'done', id: message.id, ok: false, error: serializeError(error), rng: null }))
    running.add(job)
    void job.finally(() => running.delete(job))
  })
  post({ type: 'ready' })
}
