import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { Engine } from '../../../../main/engine/engine'
import { loadExperimentFile } from '../../../../main/engine/experiments/resolve'
import { tempDir } from '../../../helpers/temp-dir'
import { writeTinyExperiment } from './tiny-experiment'

type Metrics = Record<string, number[]>

async function metricsOf(engine: Engine, runId: number): Promise<Metrics> {
  const out: Metrics = {}
  for (const p of await engine.invoke('runs.metrics', { runId })) (out[p.name] ??= []).push(p.value)
  return out
}

describe('resume after SIGKILL', () => {
  it('finishes with exactly the metrics of an uninterrupted run with the same seed', async () => {
    const dir = tempDir()
    try {
      // The uninterrupted reference.
      const refDir = join(dir.path, 'reference')
      const ref = await Engine.start({ dataDir: refDir, backend: 'wasm' })
      const launched = ref.runs.launch(loadExperimentFile(writeTinyExperiment(dir.path)))
      await ref.runs.runOnly([launched.runs[0]!.id])
      const expected = await metricsOf(ref, launched.runs[0]!.id)
      ref.close()

      // The same experiment in a child process, killed in the middle of epoch 2.
      const killedDir = join(dir.path, 'killed')
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'run-in-child.ts'), killedDir, writeTinyExperiment(dir.path)], { stdio: ['ignore', 'pipe', 'inherit'] })
      const exited = once(child, 'exit')
      let killedAtStep = 0
      for (let i = 0; i < 1200 && child.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 100))
        try {
          const db = new Database(join(killedDir, 'stdd.sqlite'), { readonly: true, fileMustExist: true })
          const row = db.prepare("SELECT MAX(step) AS step FROM metrics WHERE name = 'train/loss'").get() as { step: number | null }
          db.close()
          if ((row.step ?? 0) >= 5) {
            killedAtStep = row.step!
            child.kill('SIGKILL')
            break
          }
        } catch {
          // the database does not exist yet
        }
      }
      await exited
      expect(killedAtStep).toBeGreaterThanOrEqual(5) // it was killed during epoch 2 (steps 5–8), after epoch 1's checkpoint
      expect(killedAtStep).toBeLessThan(8)

      const engine = await Engine.start({ dataDir: killedDir, backend: 'wasm' })
      try {
        const runId = 1
        const interrupted = await engine.invoke('runs.get', { id: runId })
        expect(interrupted.status).toBe('failed')
        expect(interrupted.error).toMatch(/interrupted/)
        await engine.invoke('runs.resume', { id: runId })
        await engine.runs.runOnly([runId])
        expect((await engine.invoke('runs.get', { id: runId })).status).toBe('done')
        expect(await metricsOf(engine, runId)).toEqual(expected)
      } finally {
        engine.close()
      }
    } finally {
      dir.remove()
    }
  }, 600_000)
})
