import { existsSync, mkdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { runKeyOf } from '../worker/run-spec'

export interface PreparedFolder {
  runDir: string
  /** Where a folder that belonged to another run was moved (nothing is deleted), or null. */
  movedAside: string | null
}

/**
 * The run's own folder `<runs>/<id>`. Run ids are reused (after `stdd db restore`, or a lost
 * database), so a folder counts as the run's only when its run.json carries the run's key; a run made
 * before run keys existed keeps a folder without run.json (it wrote none). Any other folder is moved
 * aside to `<id>.orphan-<time>` and the run starts afresh: it never resumes from another run's checkpoints.
 */
export function prepareRunFolder(runsRoot: string, runId: number, runKey: string, madeBeforeKeys: boolean): PreparedFolder {
  const runDir = join(runsRoot, String(runId))
  let movedAside: string | null = null
  if (existsSync(runDir)) {
    const owner = runKeyOf(runDir)
    if (owner !== runKey && !(owner === null && madeBeforeKeys)) {
      movedAside = `${runDir}.orphan-${new Date().toISOString().replace(/[:.]/g, '-')}`
      renameSync(runDir, movedAside)
    }
  }
  mkdirSync(runDir, { recursive: true })
  return { runDir, movedAside }
}
