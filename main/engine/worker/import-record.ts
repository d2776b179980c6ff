import type { Db } from '../store/db'
import { importPosition, setImportPosition } from '../store/run-records'
import { applyRecord } from './apply-record'
import type { RunRecord } from './record'
import { readRecords } from './record-file'

export interface ImportTarget {
  runId: number
  /** The run's own key: records of any other key are refused. */
  runKey: string
}

/**
 * Imports a run's `record.jsonl` into the results database: every complete record after the last one
 * imported, in one transaction together with the new position, so importing twice changes nothing and
 * a crash mid-import leaves the position where the data is. Returns the records applied now, in order
 * (the caller forwards `progress` and `log` live, and reacts to `end` / `preempted`).
 */
export function importRunRecord(db: Db, runDir: string, target: ImportTarget): RunRecord[] {
  const { runId, runKey } = target
  const at = importPosition(db, runId, runKey)
  const chunk = readRecords(runDir, at.offset)
  const fresh = chunk.records.filter((r) => r.seq > at.seq)
  const foreign = fresh.find((r) => r.runKey !== runKey)
  if (foreign) throw new Error(`${runDir}: record ${foreign.seq} belongs to run key ${foreign.runKey}, not to run ${runId} (${runKey}); the folder is not this run's`)
  if (fresh.length === 0) return []
  db.transaction(() => {
    for (const r of fresh) applyRecord(db, runId, r)
    setImportPosition(db, runId, runKey, { seq: fresh[fresh.length - 1]!.seq, offset: chunk.offset })
  })()
  return fresh
}
