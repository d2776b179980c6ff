import { Worker } from 'node:worker_threads'
import { ClipWorkerCrashError } from '../errors'
import { loadTrainClip, REFERENCE_CLIP, type Clip, type ClipOptions } from '../sampling/clip'
import { isPortableRng, type PortableRng, type Rng, type RngState } from '../../util/random'
import type { VideoItem } from '../types'
import type { ClipLoader } from './loader'
import { clipWorkerEntry, type WorkerEntry } from './locate'
import type { FromWorker, JobReply, ToWorker } from './protocol'
import { restoreError } from './serialize-error'

export interface ClipPoolOptions {
  /** Worker threads (default 1: on a 2-core machine the model keeps one core, decoding gets the other). */
  workers?: number
  /** The worker script (default: clipWorkerEntry(), the bundled or the TypeScript clip worker). */
  entry?: WorkerEntry
  /** Crashes in a row (no job finished in between) after which the pool stops with an error. Default 3. */
  maxCrashes?: number
  /** How long close() lets running jobs finish (removing their scratch files) before terminating. Default 5 s. */
  drainMs?: number
}

interface Pending {
  item: VideoItem
  rng: PortableRng | null
  resolve(clip: Clip): void
  reject(error: unknown): void
}

interface Slot {
  worker: Worker | null
  /** The worker said it listens; an exit before that is a start failure. */
  ready: boolean
  lastError: string | null
  jobs: Map<number, Pending>
}

type JobKind = { kind: 'eval' } | { kind: 'train'; rng: RngState }

/**
 * Clips made in worker threads: the engine thread only posts jobs and receives finished
 * Float32Arrays (transferred), so decoding keeps going while a model step occupies the engine thread.
 * Workers start on first use and are unref'd while idle (an idle pool never keeps the process alive).
 *
 * Failures: a broken video comes back as the same DataError the in-thread path throws. A worker that
 * dies fails its running jobs with a ClipWorkerCrashError naming each video (skipped and counted like a
 * broken video) and is restarted on the next job; one that dies before it listens, or `maxCrashes`
 * crashes in a row, fail the pool with a plain Error, which ends a prefetch instead of hanging it.
 */
export class ClipWorkerPool implements ClipLoader {
  readonly workers: number
  private readonly slots: Slot[]
  private readonly entry: WorkerEntry | null
  private readonly maxCrashes: number
  private readonly drainMs: number
  private nextId = 1
  private crashesInARow = 0
  private failure: Error | null = null
  private closing: Promise<void> | null = null

  constructor(options: ClipPoolOptions = {}) {
    const workers = options.workers ?? 1
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`ClipWorkerPool: workers must be an integer ≥ 1 (got ${workers})`)
    this.workers = workers
    this.slots = Array.from({ length: workers }, () => ({ worker: null, ready: false, lastError: null, jobs: new Map() }))
    this.entry = options.entry ?? null
    this.maxCrashes = options.maxCrashes ?? 3
    this.drainMs = options.drainMs ?? 5000
  }

  /** Worker threads alive now. */
  get liveThreads(): number {
    return this.slots.filter((s) => s.worker !== null).length
  }

  evalClip(item: VideoItem, options: ClipOptions = REFERENCE_CLIP): Promise<Clip> {
    return this.submit(item, options, { kind: 'eval' }, null)
  }

  /** A seeded (portable) Rng continues in the worker and is set to its final state; any other Rng is used on this thread. */
  trainClip(item: VideoItem, rng: Rng, options: ClipOptions = REFERENCE_CLIP): Promise<Clip> {
    if (!isPortableRng(rng)) return loadTrainClip(item, rng, options)
    return this.submit(item, options, { kind: 'train', rng: rng.getState() }, rng)
  }

  /** Rejects pending loads at once, lets the workers finish what they run (≤ drainMs), and resolves when every thread has exited. */
  close(): Promise<void> {
    this.closing ??= this.shutDown()
    return this.closing
  }

  private async shutDown(): Promise<void> {
    const exits: Promise<void>[] = []
    for (const slot of this.slots) {
      this.failJobs(slot, () => new Error('the clip worker pool was closed'))
      if (slot.worker) exits.push(this.stop(slot.worker))
    }
    await Promise.all(exits)
  }

  /** Asks the worker to finish its running jobs and exit; terminates it after `drainMs`. */
  private stop(worker: Worker): Promise<void> {
    worker.ref() // until it has exited, so that awaiting close() cannot outlive the process
    const deadline = setTimeout(() => void worker.terminate(), this.drainMs)
    deadline.unref()
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    worker.postMessage({ type: 'close' } satisfies ToWorker)
    return exited.then(() => clearTimeout(deadline))
  }

  private submit(item: VideoItem, options: ClipOptions, job: JobKind, rng: PortableRng | null): Promise<Clip> {
    if (this.closing) return Promise.reject(new Error('the clip worker pool is closed'))
    if (this.failure) return Promise.reject(this.failure)
    return new Promise<Clip>((resolve, reject) => {
      const slot = this.slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a))
      const id = this.nextId++
      try {
        const worker = slot.worker ?? this.start(slot)
        slot.jobs.set(id, { item, rng, resolve, reject })
        worker.ref()
        worker.postMessage({ type: 'job', id, item, options, ...job } satisfies ToWorker)
      } catch (error) {
        slot.jobs.delete(id)
        reject(error)
      }
    })
  }

  private start(slot: Slot): Worker {
    const entry = this.entry ?? clipWorkerEntry()
    // execArgv []: the engine's own flags (Electron's, tsx's --import) are not a worker's to inherit.
    const worker = new Worker(entry.script, { workerData: entry.workerData, execArgv: [] })
    Object.assign(slot, { worker, ready: false, lastError: null })
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message))
    worker.on('error', (error: Error) => (slot.lastError = error.message))
    worker.on('messageerror', (error: Error) => {
      slot.lastError = `a reply could not be read: ${error.message}`
      void worker.terminate()
    })
    worker.on('exit', (code: number) => this.onExit(slot, worker, code))
    return worker
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === 'ready') {
      slot.ready = true
      return
    }
    const pending = slot.jobs.get(message.id)
    if (!pending) return
    slot.jobs.delete(message.id)
    if (slot.jobs.size === 0) slot.worker?.unref()
    this.crashesInARow = 0
    this.settle(pending, message)
  }

  private settle(pending: Pending, reply: JobReply): void {
    if (pending.rng && reply.rng) pending.rng.setState(reply.rng)
    if (!reply.ok) {
      pending.reject(restoreError(reply.error))
      return
    }
    pending.resolve({ item: pending.item, ...reply.clip })
  }

  private onExit(slot: Slot, worker: Worker, code: number): void {
    if (slot.worker !== worker) return
    slot.worker = null
    if (this.closing) return
    const reason = slot.lastError ?? `exit code ${code}`
    if (!slot.ready) this.failure ??= new Error(`the clip worker thread could not start: ${reason}`)
    else if (++this.crashesInARow >= this.maxCrashes) this.failure ??= new Error(`the clip worker thread crashed ${this.crashesInARow} times in a row (last: ${reason}); video decoding stopped`)
    this.failJobs(slot, (p) => this.failure ?? new ClipWorkerCrashError(p.item.path, reason))
  }

  private failJobs(slot: Slot, error: (pending: Pending) => Error): void {
    const jobs = [...slot.jobs.values()]
    slot.jobs.clear()
    for (const p of jobs) p.reject(error(p))
  }
}
