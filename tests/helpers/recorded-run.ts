import type { ExperimentConfig } from '../../main/engine/experiments/schema'
import type { RunContext } from '../../main/engine/runs/executor'
import { recordingOutput } from '../../main/engine/runs/run-output'
import type { Db } from '../../main/engine/store/db'
import { runKey } from '../../main/engine/store/run-records'
import { importRunRecord } from '../../main/engine/worker/import-record'
import { RecordWriter } from '../../main/engine/worker/record-file'

/**
 * A run context whose results go to a record in `runDir`, as a worker's do; `importRecord()` brings
 * them into `db` through the engine's importer. Close the writer with `close()`.
 */
export function recordedRun(db: Db, runId: number, runDir: string, config: ExperimentConfig, log: (line: string) => void = () => {}): { ctx: RunContext; importRecord(): void; close(): void } {
  const key = runKey(db, runId)
  const writer = RecordWriter.open(runDir, key)
  const ctx: RunContext = { runId, config, runDir, dataDir: runDir, graph: null, source: null, out: recordingOutput(writer), signal: new AbortController().signal, progress: () => {}, log }
  return { ctx, importRecord: () => void importRunRecord(db, runDir, { runId, runKey: key }), close: () => writer.close() }
}
