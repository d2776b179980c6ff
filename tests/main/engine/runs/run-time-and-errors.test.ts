import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { resolveExperiment } from '../../../../main/engine/experiments/resolve'
import type { RunContext, RunExecutor } from '../../../../main/engine/runs/executor'
import { inProcessLauncher } from '../../../../main/engine/runs/in-process-launcher'
import { RunManager } from '../../../../main/engine/runs/run-manager'
import { StddConfigError } from '../../../../main/engine/stdd/config'
import { getRunSummary } from '../../../../main/engine/store/runs'
import { tempDir } from '../../../helpers/temp-dir'

/** Fails each run with the error `fail` makes, or finishes it. */
class ScriptedExecutor implements RunExecutor {
  fail: (() => Error) | null = null
  async execute(_ctx: RunContext): Promise<void> {
    await Promise.resolve()
    if (this.fail) throw this.fail()
  }
}

let dir: ReturnType<typeof tempDir>
let engine: Engine
let exec: ScriptedExecutor
let manager: RunManager

beforeEach(async () => {
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  exec = new ScriptedExecutor()
  manager = new RunManager({ db: engine.db, dataDir: dir.path, bus: engine.bus, log: engine.log, launcher: inProcessLauncher(exec, () => 'wasm'), backendName: () => 'wasm' })
})
afterEach(() => {
  engine.close()
  dir.remove()
})

const launchOne = () => manager.launch(resolveExperiment({ name: 'suite' }, 'suite.yaml', '/tmp')).runs[0]!.id

describe('a failed run', () => {
  it('failing on its config is marked so and cannot be resumed (the same config would fail again)', async () => {
    const id = launchOne()
    exec.fail = () => new StddConfigError([{ path: 'stca.masking.ratio', message: 'must be at most 1' }])
    await manager.drainQueue()
    expect(getRunSummary(engine.db, id)).toMatchObject({ status: 'failed', errorKind: 'config', error: expect.stringMatching(/stca\.masking\.ratio/) })
    expect(() => manager.resume(id)).toThrow(/failed on its config.*fix the experiment file and launch it again/)
  })

  it('failing on anything else is a runtime failure: resume queues it again and a success clears the kind', async () => {
    const id = launchOne()
    exec.fail = () => new Error('out of memory')
    await manager.drainQueue()
    expect(getRunSummary(engine.db, id)).toMatchObject({ status: 'failed', errorKind: 'runtime' })
    exec.fail = null
    expect(manager.resume(id).status).toBe('queued')
    await manager.drainQueue()
    expect(getRunSummary(engine.db, id)).toMatchObject({ status: 'done', error: null, errorKind: null })
  })
})

describe('a run’s time', () => {
  it('counts only its running stretches: not the wait in the queue nor the pause between a failure and its resume', async () => {
    const id = launchOne()
    const at = (iso: string) => engine.db.prepare('UPDATE runs SET running_since = ? WHERE id = ?').run(iso, id)
    // First stretch: claimed at 10:00:00, fails now; pretend it started 4 s ago.
    exec.fail = () => {
      at(new Date(Date.now() - 4000).toISOString())
      return new Error('disk hiccup')
    }
    await manager.drainQueue()
    const first = getRunSummary(engine.db, id)
    expect(first.runSeconds).toBeGreaterThanOrEqual(4)
    expect(first.runSeconds).toBeLessThan(6)
    expect(first.runningSince).toBeNull()
    // A day passes before the resume; the second stretch lasts 2 s.
    engine.db.prepare("UPDATE runs SET started_at = '2020-01-01T00:00:00.000Z' WHERE id = ?").run(id)
    manager.resume(id)
    exec.fail = null
    const exec2: RunExecutor = { execute: async () => void at(new Date(Date.now() - 2000).toISOString()) }
    const second = new RunManager({ db: engine.db, dataDir: dir.path, bus: engine.bus, log: engine.log, launcher: inProcessLauncher(exec2, () => 'wasm'), backendName: () => 'wasm' })
    await second.drainQueue()
    const done = getRunSummary(engine.db, id)
    expect(done.status).toBe('done')
    expect(done.runSeconds).toBeGreaterThanOrEqual(6)
    expect(done.runSeconds).toBeLessThan(9)
  })
})
