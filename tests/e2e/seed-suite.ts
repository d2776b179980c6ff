/** Seeding an end-to-end test's data folder with real results: an experiment file run to the end by the engine. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunDetail } from '../../contract'
import { Engine } from '../../main/engine/engine'

/**
 * Writes `yaml` as experiments/<name>.yaml in `dataDir`, launches and runs all its runs with the real engine (wasm),
 * fails naming any run that did not finish, then hands the engine and the finished runs to `read`; the engine is
 * closed after.
 */
export async function seedSuite<S>(dataDir: string, name: string, yaml: string, read: (engine: Engine, runs: RunDetail[]) => Promise<S>): Promise<S> {
  const folder = join(dataDir, 'experiments')
  mkdirSync(folder, { recursive: true })
  const file = join(folder, `${name}.yaml`)
  writeFileSync(file, yaml)
  const engine = await Engine.start({ dataDir, backend: 'wasm' })
  try {
    await engine.whenBackendReady()
    const launched = await engine.invoke('runs.launch', { file })
    const ids = launched.runs.map((r) => r.id)
    await engine.runs.runOnly(ids)
    const runs = await Promise.all(ids.map((id) => engine.invoke('runs.get', { id })))
    for (const r of runs) if (r.status !== 'done') throw new Error(`seed run ${r.name} ended ${r.status}: ${r.error}`)
    return await read(engine, runs)
  } finally {
    engine.close()
  }
}
