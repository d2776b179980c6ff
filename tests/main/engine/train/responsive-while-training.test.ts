import { describe, expect, it } from 'vitest'
import type { EventPayload } from '../../../../contract'
import { Engine } from '../../../../main/engine/engine'
import { loadExperimentFile } from '../../../../main/engine/experiments/resolve'
import { tempDir } from '../../../helpers/temp-dir'
import { writeTinyExperiment } from './tiny-experiment'

/**
 * The engine runs in the same process as `stdd serve`: while a run trains and evaluates it must
 * still answer commands and stream each step's metrics as it is recorded, not all at the end.
 */
describe('an engine with a run in progress', () => {
  it('answers commands and streams run.metrics between training steps', async () => {
    const dir = tempDir()
    const engine = await Engine.start({ dataDir: dir.path, backend: 'wasm' })
    try {
      await engine.whenBackendReady()
      const { runs } = engine.runs.launch(loadExperimentFile(writeTinyExperiment(dir.path)))
      const runId = runs[0]!.id
      let finished = false
      const stepsSeen: number[] = []
      const unsubscribe = engine.subscribe((event, payload) => {
        if (event !== 'run.metrics' || finished) return
        for (const p of (payload as EventPayload<'run.metrics'>).points) if (p.name === 'train/loss') stepsSeen.push(p.step)
      })
      const running = engine.runs.runOnly([runId]).then(() => (finished = true))

      // A command sent after the first step is answered while the run still goes on.
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => stepsSeen.length > 0 && (clearInterval(poll), resolve()), 5)
      })
      const answer = await engine.invoke('runs.get', { id: runId })
      expect(finished).toBe(false)
      expect(answer.status).toBe('running')

      await running
      unsubscribe()
      // every step's loss arrived as an event before the run ended, in order
      const stored = (await engine.invoke('runs.metrics', { runId, names: ['train/loss'] })).map((p) => p.step)
      expect(stored.length).toBeGreaterThan(1)
      expect(stepsSeen).toEqual(stored)
    } finally {
      engine.close()
      dir.remove()
    }
  })
})
