import { Engine } from './main/engine/engine'
import { loadExperimentFile } from './main/engine/experiments/resolve'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
const dir = mkdtempSync('/tmp/traj19-')
const file = process.argv[2]!
const engine = await Engine.start({ dataDir: dir, backend: (process.env.BK ?? 'wasm') as 'wasm' })
await engine.whenBackendReady()
const launched = engine.runs.launch(loadExperimentFile(file, JSON.parse(process.env.OV ?? '{}')))
const id = launched.runs[0]!.id
await engine.runs.runOnly([id])
const pts = await engine.invoke('runs.metrics', { runId: id })
const series = (n: string) => pts.filter((p) => p.name === n).map((p) => p.value)
writeFileSync(process.env.OUT!, JSON.stringify({ loss: series('train/loss'), gn: series('train/grad_norm'), top1: (await engine.invoke('runs.get', { id })).lastMetrics }))
engine.close()
