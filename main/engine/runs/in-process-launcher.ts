import { RecordWriter } from '../worker/record-file'
import { performRun, type StopReason } from '../worker/perform-run'
import { readRunSpec } from '../worker/run-spec'
import type { RunExecutor } from './executor'
import type { LaunchedWorker, RunLauncher, WorkerExit } from './launcher'

/**
 * Executes runs inside the engine process, through the same record and importer as a worker process.
 * For executors that are not the STDD trainer (tests' stand-ins): a real run always gets a worker.
 */
export function inProcessLauncher(executor: RunExecutor, backendName: () => string | null, gemmName: () => string | null = () => null): RunLauncher {
  return {
    launch(runDir): LaunchedWorker {
      const listeners: (() => void)[] = []
      const controller = new AbortController()
      let reason: StopReason | null = null
      const exited = (async (): Promise<WorkerExit> => {
        const spec = readRunSpec(runDir)
        const writer = RecordWriter.open(runDir, spec.runKey)
        const append = writer.append.bind(writer)
        writer.append = (body, durable) => {
          const r = append(body, durable)
          for (const l of listeners) l()
          return r
        }
        try {
          const end = await performRun({ spec, runDir, writer, executor, signal: controller.signal, stopReason: () => reason, backendName, gemmName })
          return { code: end.status === 'failed' ? 1 : end.status === 'preempted' ? 3 : 0, signal: null, lastLines: [] }
        } catch (err) {
          return { code: 1, signal: null, lastLines: [err instanceof Error ? err.message : String(err)] }
        } finally {
          writer.close()
        }
      })()
      return {
        cancel: () => {
          reason ??= 'cancel'
          controller.abort()
        },
        exited,
        onAppend: (l) => void listeners.push(l),
      }
    },
  }
}
