import { spawn, type ChildProcess } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { resolveExperiment } from '../../../../main/engine/experiments/resolve'
import type { RunContext, RunExecutor } from '../../../../main/engine/runs/executor'
import { inProcessLauncher } from '../../../../main/engine/runs/in-process-launcher'
import { RunManager } from '../../../../main/engine/runs/run-manager'
import { listMetrics } from '../../../../main/engine/store/metrics'
import { getRunSummary } from '../../../../main/engine/store/runs'
import { tempDir } from '../../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let engine: Engine
const experiment = (seeds: number[]) => resolveExperiment({ name: 'suite', sweep: { grid: { seed: seeds } } }, 'suite.yaml', '/tmp')

beforeEach(async () => {
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
})
afterEach(() => {
  engine.db.pragma('query_only = OFF')
  engine.close()
  dir.remove()
})

function manager(executor: RunExecutor, backendName: () => string | null = () => 'wasm'): RunManager {
  return new RunManager({ db: engine.db, dataDir: dir.path, bus: engine.bus, log: engine.log, launcher: inProcessLauncher(executor, backendName), backendName, statusRetryMs: 10 })
}

const idle: RunExecutor = { execute: async () => undefined }

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (cond()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`timed out waiting until ${what}`)
}

describe('a running run whose engine died', () => {
  let sleeper: ChildProcess
  beforeEach(() => {
    sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
  })
  afterEach(() => {
    sleeper.kill()
  })

  it('is interrupted when its heartbeat is stale, even though its pid now belongs to a live process', () => {
    const m = manager(idle)
    const [fresh, stale, ours] = m.launch(experiment([0, 1, 2])).runs.map((r) => r.id)
    const set = engine.db.prepare("UPDATE runs SET status = 'running', pid = ?, heartbeat_at = ? WHERE id = ?")
    const now = Date.parse('2026-06-01T12:00:00.000Z')
    set.run(sleeper.pid, new Date(now - 60_000).toISOString(), fresh) // beat a minute ago: alive
    set.run(sleeper.pid, new Date(now - 11 * 60_000).toISOString(), stale) // the pid was reused: its heartbeat stopped 11 minutes ago
    set.run(process.pid, new Date(now - 1000).toISOString(), ours) // "our" pid, but this engine does not run it
    expect(m.recoverInterrupted(now).sort()).toEqual([stale, ours].sort())
    expect(getRunSummary(engine.db, fresh!).status).toBe('running')
    expect(getRunSummary(engine.db, stale!)).toMatchObject({ status: 'failed', error: expect.stringContaining(`stdd resume ${stale}`) })
  })
})

describe('the backend of a run', () => {
  it('is recorded once the backend is up, though the run was queued before (the CLI)', async () => {
    let backend: string | null = null
    const executor: RunExecutor = {
      async execute(ctx: RunContext) {
        backend = 'wasm' // the executor waits for the backend before its first step
        ctx.progress({ phase: 'train', step: 1, totalSteps: 1, epoch: 1, loss: 1, throughput: null, etaSeconds: null })
      },
    }
    const m = manager(executor, () => backend)
    const [id] = m.launch(experiment([0])).runs.map((r) => r.id)
    expect(getRunSummary(engine.db, id!).backend).toBeNull()
    await m.runOnly([id!])
    expect(getRunSummary(engine.db, id!)).toMatchObject({ status: 'done', backend: 'wasm' })
  })

  it('is recorded even when the run reports no progress', async () => {
    let backend: string | null = null
    const m = manager({ execute: async () => void (backend = 'cpu') }, () => backend)
    const [id] = m.launch(experiment([0])).runs.map((r) => r.id)
    await m.runOnly([id!])
    expect(getRunSummary(engine.db, id!).backend).toBe('cpu')
  })
})

describe('the backend of a run launched by a one-shot engine (stdd run)', () => {
  it('is the engine\'s backend, not null', async () => {
    const data = tempDir()
    let real: Engine | null = null
    const executor: RunExecutor = {
      async execute(ctx: RunContext) {
        await real!.whenBackendReady() // as the STDD executor does before its first step
        ctx.progress({ phase: 'train', step: 1, totalSteps: 1, epoch: 1, loss: 1, throughput: null, etaSeconds: null })
      },
    }
    try {
      real = await Engine.start({ dataDir: data.path, backend: 'cpu', executor })
      const [run] = real.runs.launch(experiment([0])).runs // queued while the backend is still starting
      await real.runs.runOnly([run!.id])
      expect((await real.invoke('runs.get', { id: run!.id })).backend).toBe('cpu')
    } finally {
      real?.close()
      data.remove()
    }
  })
})

describe('a disk that fills up during a run', () => {
  it('a checkpoint write that finds no space fails the run naming its folder', async () => {
    const noSpace = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    const m = manager({ execute: async () => Promise.reject(noSpace) })
    const [id] = m.launch(experiment([0])).runs.map((r) => r.id)
    await m.runOnly([id!])
    expect(getRunSummary(engine.db, id!)).toMatchObject({
      status: 'failed',
      error: `${dir.path}/runs/${id}: the disk is full (ENOSPC: no space left on device, write); free some space — what was saved before is kept; then "stdd resume ${id}" continues it`,
    })
  })

  it('keeps the results in the run folder while the database cannot grow; imports them once it can, and the queue waits', async () => {
    const started: number[] = []
    const executor: RunExecutor = {
      async execute(ctx: RunContext) {
        started.push(ctx.runId)
        if (started.length > 1) return
        // The disk fills: the database may not grow, and then no write succeeds at all.
        engine.db.pragma(`max_page_count = ${engine.db.pragma('page_count', { simple: true }) as number}`)
        for (let step = 1; step <= 20; step++) ctx.out.metrics(step, step, Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`train/metric-${i}`, step])))
        engine.db.pragma('query_only = ON')
      },
    }
    const errors: string[] = []
    engine.subscribe((event, payload) => {
      if (event === 'log' && (payload as { level: string }).level === 'error') errors.push((payload as { message: string }).message)
    })
    const m = manager(executor)
    const [first, second] = m.launch(experiment([0, 1])).runs.map((r) => r.id)
    const draining = m.drainQueue()

    await until(() => errors.length > 0, 'the failed import is reported')
    expect(errors.join('\n')).toContain(`run ${first}: its results could not be imported: ${dir.path}/stdd.sqlite: `)
    await new Promise((r) => setTimeout(r, 50))
    expect(getRunSummary(engine.db, first!).status).toBe('running') // not recorded yet: no write can succeed
    expect(started).toEqual([first]) // the next run waits for space

    // Space returns: everything the run produced is imported, nothing is lost.
    engine.db.pragma('query_only = OFF')
    engine.db.pragma('max_page_count = 1073741823')
    await draining
    expect(getRunSummary(engine.db, first!).status).toBe('done')
    expect(listMetrics(engine.db, first!, ['train/metric-199']).map((p) => p.value)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(getRunSummary(engine.db, second!).status).toBe('done')
  })

  it('under the CLI, which stops waiting before space returns, the next start imports the whole record: the run is done, nothing lost, not "interrupted" (issue 19, F15)', async () => {
    const executor: RunExecutor = {
      async execute(ctx: RunContext) {
        engine.db.pragma(`max_page_count = ${engine.db.pragma('page_count', { simple: true }) as number}`)
        for (let step = 1; step <= 20; step++) ctx.out.metrics(step, step, Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`train/metric-${i}`, step])))
        engine.db.pragma('query_only = ON')
      },
    }
    const cli = new RunManager({ db: engine.db, dataDir: dir.path, bus: engine.bus, log: engine.log, launcher: inProcessLauncher(executor, () => 'wasm'), backendName: () => 'wasm', statusRetryMs: 3_600_000 })
    const [id] = cli.launch(experiment([0])).runs.map((r) => r.id)
    const running = cli.runOnly([id!])
    await new Promise((r) => setTimeout(r, 100))
    cli.stopWaiting() // Ctrl-C: the CLI exits
    await running
    expect(getRunSummary(engine.db, id!).status).toBe('running')

    // The next engine start, once there is space again.
    engine.db.pragma('query_only = OFF')
    engine.db.pragma('max_page_count = 1073741823')
    expect(manager(idle).recoverInterrupted()).toEqual([])
    expect(getRunSummary(engine.db, id!)).toMatchObject({ status: 'done', error: null })
    expect(listMetrics(engine.db, id!, ['train/metric-0'])).toHaveLength(20)
  })
})
