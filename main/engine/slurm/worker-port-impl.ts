import { buildRunSpec } from '../runs/run-spec-builder'
import type { Db } from '../store/db'
import { runKey } from '../store/run-records'
import { importRunRecord } from '../worker/import-record'
import { RECORD_FILE } from '../worker/record'
import { RUN_SPEC_FILE } from '../worker/run-spec'
import type { WorkerPort } from './worker-port'

/** The run worker's spec, key and importer (docs/worker.md), for the Slurm executor. */
export function workerPort(db: Db, dataDir: string): WorkerPort {
  return {
    runSpec: (runId, nodeDataDir) => ({ ...buildRunSpec(db, dataDir, runId), dataDir: nodeDataDir }),
    runKey: (runId) => runKey(db, runId),
    importRecord: (runId, dir) => importRunRecord(db, dir, { runId, runKey: runKey(db, runId) }),
    specFile: RUN_SPEC_FILE,
    recordFile: RECORD_FILE,
  }
}
