import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import type { BackendName } from '../../../contract'
import { activeBackend, describeBackend, selectBackend } from '../tf/backend'
import { activeGemm } from '../tf/gemm'
import { createStddExecutor } from '../train/stdd-executor'
import { isProcessAlive } from '../util/process-alive'
import { performRun, type StopReason } from './perform-run'
import { RecordWriter } from './record-file'
import { readRunSpec } from './run-spec'

/** Exit codes of `stdd worker` (docs/worker.md). */
export const WORKER_EXIT = { done: 0, failed: 1, usage: 2, preempted: 3, cancelledBySignal: 143 } as const

/** A message the local executor sends its worker over the IPC channel. */
export interface WorkerControlMessage {
  type: 'cancel'
}

export interface WorkerOptions {
  backend?: BackendName
  /** Tried first when no backend is forced (the Settings' default). */
  preferredBackend?: BackendName | null
  err(line: string): void
}

const LOCK_FILE = 'worker.pid'

/** Waits while another worker on this host still runs the same folder (it stops at its next step). */
async function takeLock(runDir: string, err: (line: string) => void): Promise<void> {
  const file = join(runDir, LOCK_FILE)
  for (let told = false; existsSync(file); told = true) {
    const [pid, host] = readFileSync(file, 'utf8').split(' ')
    if (host?.trim() !== hostname() || !isProcessAlive(Number(pid)) || Number(pid) === process.pid) break
    if (!told) err(`waiting for the earlier worker of this run (pid ${pid}) to stop`)
    await new Promise((r) => setTimeout(r, 500))
  }
  writeFileSync(file, `${process.pid} ${hostname()}`)
}

/**
 * `stdd worker --run-dir DIR`: executes the run of DIR/run.json (or resumes it from its last checkpoint),
 * appending everything it produces to DIR/record.jsonl. SIGUSR1 (pre-emption) → checkpointed stop, exit 3;
 * SIGTERM or a `cancel` message → cancelled at the next step; the loss of the parent engine → as SIGUSR1.
 * Returns the exit code.
 */
export async function runWorker(runDir: string, opts: WorkerOptions): Promise<number> {
  let writer: RecordWriter
  let spec: ReturnType<typeof readRunSpec>
  try {
    spec = readRunSpec(runDir)
    await takeLock(runDir, opts.err) // before the record is opened: an earlier worker may still append to it
    writer = RecordWriter.open(runDir, spec.runKey)
  } catch (err) {
    opts.err(`stdd worker: ${err instanceof Error ? err.message : String(err)}`)
    return WORKER_EXIT.usage
  }
  const controller = new AbortController()
  let reason: StopReason | null = null
  let bySignal = false
  const stop = (why: StopReason, what: string): void => {
    if (reason === null) opts.err(`stdd worker: ${what}: stopping at the next step boundary`)
    reason ??= why
    controller.abort()
  }
  const onTerm = (): void => {
    if (bySignal) process.exit(WORKER_EXIT.cancelledBySignal) // a second SIGTERM: at once
    bySignal = true
    stop('cancel', 'SIGTERM')
  }
  const onUsr1 = (): void => stop('preempt', 'SIGUSR1 (pre-emption or time limit)')
  const onMessage = (m: unknown): void => {
    if ((m as Partial<WorkerControlMessage> | null)?.type === 'cancel') stop('cancel', 'cancel requested')
  }
  const onDisconnect = (): void => stop('preempt', 'the engine that started this worker went away')
  // The record is the run's log: a closed stderr (the engine that read it died) must not end the run.
  const ignore = (): void => undefined
  process.stderr.on('error', ignore)
  process.on('SIGTERM', onTerm)
  process.on('SIGUSR1', onUsr1)
  process.on('message', onMessage)
  process.on('disconnect', onDisconnect)
  try {
    const backendReady = selectBackend(opts.backend, opts.preferredBackend).then((r) => opts.err(describeBackend(r)))
    backendReady.catch(() => undefined)
    const executor = createStddExecutor({ whenBackendReady: () => backendReady })
    const end = await performRun({
      spec,
      runDir,
      writer,
      executor,
      signal: controller.signal,
      stopReason: () => reason,
      backendName: () => activeBackend()?.name ?? null,
      gemmName: () => activeGemm()?.name ?? null,
      echo: (line) => opts.err(line),
    })
    if (end.status === 'preempted') return WORKER_EXIT.preempted
    if (end.status === 'cancelled') return bySignal ? WORKER_EXIT.cancelledBySignal : WORKER_EXIT.done
    return end.status === 'done' ? WORKER_EXIT.done : WORKER_EXIT.failed
  } finally {
    writer.close()
    rmSync(join(runDir, LOCK_FILE), { force: true })
    process.off('SIGTERM', onTerm)
    process.off('SIGUSR1', onUsr1)
    process.off('message', onMessage)
    process.off('disconnect', onDisconnect)
    process.stderr.off('error', ignore)
  }
}
