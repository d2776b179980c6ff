/**
 * Child process of crash.test.ts: writes one step after another (several metrics plus an artifact
 * row per step, each step in one transaction) until it is killed. Prints "started" once the run exists.
 */
import { openDatabase } from '../../../../main/engine/store/db'
import { createExperiment } from '../../../../main/engine/store/experiments'
import { createRun } from '../../../../main/engine/store/runs'
import { recordStep } from '../../../../main/engine/store/metrics'

const db = openDatabase({ path: process.argv[2]! })
const experiment = createExperiment(db, { name: 'crash' })
const run = createRun(db, { experimentId: experiment.id, name: 'r', config: {}, configDiff: {}, seed: 1 })
const insertArtifact = db.prepare("INSERT INTO artifacts (run_id, kind, name, step, blob, created_at) VALUES (?, 'checkpoint', ?, ?, ?, 'now')")
const payload = Buffer.alloc(64 * 1024, 7)
process.stdout.write(`started ${run.id}\n`)
for (let step = 0; ; step++) {
  const values: Record<string, number> = {}
  for (let m = 0; m < 20; m++) values[`m${m}`] = step + m / 100
  recordStep(db, run.id, step, step / 10, values, { alsoInside: () => insertArtifact.run(run.id, `ckpt-${step}`, step, payload) })
}
