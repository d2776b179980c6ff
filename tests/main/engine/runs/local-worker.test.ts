import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { resolveExperiment } from '../../../../main/engine/experiments/resolve'
import { localWorkerLauncher } from '../../../../main/engine/runs/local-worker'
import { RunManager } from '../../../../main/engine/runs/run-manager'
import { getRunSummary } from '../../../../main/engine/store/runs'
import { tempDir } from '../../../helpers/temp-dir'

const GRACE_MS = 300
const stub = { script: join(import.meta.dirname, 'stub-worker.mjs'), execArgv: [] }

let dir: ReturnType<typeof tempDir>
let engine: Engine
let manager: RunManager
const logs: string[] = []

beforeEach(async () => {
  dir = tempDir('stdd-local-worker-')
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  manager = new RunManager({ db: engine.db, dataDir: dir.path, bus: engine.bus, log: engine.log, launcher: localWorkerLauncher({ entry: stub, cancelGraceMs: GRACE_MS }), backendName: () => null, recordPollMs: 20 })
  logs.length = 0
  engine.subscribe((event, p) => event === 'log' && logs.push((p as { message: string }).message))
})
afterEach(() => {
  engine.close()
  dir.remove()
})

const launch = (mode: string) => manager.launch(resolveExperiment({ name: mode }, `${mode}.yaml`, '/tmp')).runs[0]!.id

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 20))
  if (!cond()) throw new Error(`timed out waiting until ${what}`)
}

/** Starts the run, waits for its worker's first record, cancels it; returns how long the worker took to end. */
async function cancelWhenStarted(id: number): Promise<number> {
  const running = manager.runOnly([id])
  await until(() => logs.some((l) => l.includes('stub worker')), 'the worker started')
  const t0 = Date.now()
  manager.cancel(id)
  await running
  return Date.now() - t0
}

describe('cancelling a local worker', () => {
  it('a worker that honours the cancel message stops at once', async () => {
    const id = launch('polite')
    await cancelWhenStarted(id)
    expect(logs).toContain('stopped by the cancel message')
    expect(getRunSummary(engine.db, id)).toMatchObject({ status: 'cancelled', error: null })
  })

  it('a worker that ignores the message gets SIGTERM after the grace period', async () => {
    const id = launch('term')
    expect(await cancelWhenStarted(id)).toBeGreaterThanOrEqual(GRACE_MS)
    expect(logs).toContain('stopped by SIGTERM')
    expect(getRunSummary(engine.db, id)).toMatchObject({ status: 'cancelled', error: null })
  })

  it('a worker that ignores SIGTERM too is killed after a second grace period; the run is cancelled', async () => {
    const id = launch('stubborn')
    expect(await cancelWhenStarted(id)).toBeGreaterThanOrEqual(2 * GRACE_MS)
    expect(getRunSummary(engine.db, id)).toMatchObject({ status: 'cancelled', error: expect.stringContaining('killed (SIGKILL)') })
  })
})

describe('a worker that dies', () => {
  it('fails its run with the exit code and its last lines; the engine keeps serving and runs the next', async () => {
    const crashed = launch('crash')
    const next = launch('polite')
    const draining = manager.drainQueue()
    await until(() => getRunSummary(engine.db, crashed).status === 'failed', 'the crashed run is failed')
    expect(getRunSummary(engine.db, crashed).error).toMatch(/^interrupted: its worker process exited with code 134 before the run ended; its last lines: .*FATAL: out of memory in the BLAS addon; "stdd resume \d+" continues from the last checkpoint$/)
    expect((await engine.invoke('runs.list', {})).map((r) => r.id)).toContain(next)
    await until(() => getRunSummary(engine.db, next).status === 'running', 'the next run started')
    manager.cancel(next)
    await draining
    expect(getRunSummary(engine.db, next).status).toBe('cancelled')
  })
})
