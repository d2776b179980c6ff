import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { resolveExperiment } from '../../../../main/engine/experiments/resolve'
import { throwIfCancelled, type RunContext, type RunExecutor } from '../../../../main/engine/runs/executor'
import { inProcessLauncher } from '../../../../main/engine/runs/in-process-launcher'
import { RunManager } from '../../../../main/engine/runs/run-manager'
import { queuedRunIds } from '../../../../main/engine/store/queue'
import { getRunSummary } from '../../../../main/engine/store/runs'
import { tempDir } from '../../../helpers/temp-dir'

/** A stand-in trainer: `steps` steps, each recording a loss; fails on demand; honours cancel. */
class FakeExecutor implements RunExecutor {
  readonly started: number[] = []
  gate: Promise<void> = Promise.resolve()
  failOn: number | null = null
  private onStart: (() => void) | null = null
  /** Resolves when the next run starts executing. */
  nextStart(): Promise<void> {
    return new Promise((resolve) => (this.onStart = resolve))
  }
  async execute(ctx: RunContext): Promise<void> {
    this.started.push(ctx.runId)
    this.onStart?.()
    for (let step = 1; step <= 3; step++) {
      await this.gate
      throwIfCancelled(ctx.signal)
      if (this.failOn === ctx.runId) throw new Error('out of memory at step 2')
      ctx.out.metrics(step, step / 3, { loss: 1 / step })
      ctx.progress({ phase: 'train', step, totalSteps: 3, epoch: step / 3, loss: 1 / step, throughput: null, etaSeconds: null })
    }
  }
}

let dir: ReturnType<typeof tempDir>
let engine: Engine
let exec: FakeExecutor
let manager: RunManager
const events: { event: string; payload: { runId?: number; status?: string } }[] = []

const experiment = (grid: Record<string, unknown[]> = { seed: [0, 1] }) => resolveExperiment({ name: 'suite', sweep: { grid } }, 'suite.yaml', '/tmp')

beforeEach(async () => {
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  exec = new FakeExecutor()
  manager = new RunManager({ db: engine.db, dataDir: dir.path, bus: engine.bus, log: engine.log, launcher: inProcessLauncher(exec, () => 'wasm'), backendName: () => 'wasm' })
  events.length = 0
  engine.subscribe((event, payload) => events.push({ event, payload: payload as { runId?: number } }))
})
afterEach(() => {
  engine.close()
  dir.remove()
})

describe('the run lifecycle', () => {
  it('queues the runs of an experiment with their provenance and runs them in order, one at a time', async () => {
    const { experiment: e, runs } = manager.launch(experiment())
    expect(runs.map((r) => [r.name, r.status, r.seed])).toEqual([
      ['seed=0', 'queued', 0],
      ['seed=1', 'queued', 1],
    ])
    expect(queuedRunIds(engine.db)).toEqual(runs.map((r) => r.id))
    const row = engine.db.prepare('SELECT config_diff_json, host, backend FROM runs WHERE id = ?').get(runs[1]!.id) as { config_diff_json: string; host: string; backend: string }
    expect(JSON.parse(row.config_diff_json)).toEqual({ seed: 1, 'text.graph': 'synthmotion-builtin@1' }) // the built-in graph, pinned to its version
    expect(row.backend).toBe('wasm')
    expect(e.runCount).toBe(2)

    await manager.drainQueue()
    expect(exec.started).toEqual(runs.map((r) => r.id))
    for (const r of runs) expect(getRunSummary(engine.db, r.id)).toMatchObject({ status: 'done', lastMetrics: { loss: 1 / 3 } })
    expect(queuedRunIds(engine.db)).toEqual([])
    const progress = events.filter((x) => x.event === 'run.progress')
    expect(progress).toHaveLength(6)
    expect(events.filter((x) => x.event === 'run.state' && x.payload.runId === runs[0]!.id).map((x) => x.payload.status)).toEqual(['queued', 'running', 'done'])
  })

  it('re-launching a file keeps earlier runs and names the new ones apart', () => {
    manager.launch(experiment({ seed: [0] }))
    const again = manager.launch(experiment({ seed: [0] }))
    expect(again.runs[0]!.name).toBe('seed=0 #2')
    expect(again.experiment.runCount).toBe(2)
  })

  it('records a failure with its message and carries on with the next run', async () => {
    const { runs } = manager.launch(experiment())
    exec.failOn = runs[0]!.id
    await manager.drainQueue()
    expect(getRunSummary(engine.db, runs[0]!.id)).toMatchObject({ status: 'failed', error: 'out of memory at step 2' })
    expect(getRunSummary(engine.db, runs[1]!.id).status).toBe('done')
  })

  it('cancels a queued run at once and a running one at the next step; resume queues it again', async () => {
    const { runs } = manager.launch(experiment({ seed: [0, 1, 2] }))
    let release!: () => void
    exec.gate = new Promise((r) => (release = r))
    const started = exec.nextStart()
    const draining = manager.drainQueue()
    await started
    expect(manager.activeRunIds).toEqual([runs[0]!.id])
    expect(manager.cancel(runs[2]!.id).status).toBe('cancelled')
    manager.cancel(runs[0]!.id)
    release()
    await draining
    expect(getRunSummary(engine.db, runs[0]!.id).status).toBe('cancelled')
    expect(getRunSummary(engine.db, runs[1]!.id).status).toBe('done')
    expect(exec.started).not.toContain(runs[2]!.id)
    expect(() => manager.cancel(runs[1]!.id)).toThrow(/is done; only queued or running runs can be cancelled/)

    expect(manager.resume(runs[0]!.id).status).toBe('queued')
    await manager.drainQueue()
    expect(getRunSummary(engine.db, runs[0]!.id).status).toBe('done')
    expect(() => manager.resume(runs[0]!.id)).toThrow(/is done; nothing to resume/)
  })

  it('marks a run whose engine process died as interrupted, naming the command that resumes it', () => {
    const { runs } = manager.launch(experiment({ seed: [0] }))
    const id = runs[0]!.id
    engine.db.prepare("UPDATE runs SET status = 'running', pid = 2147483646 WHERE id = ?").run(id) // no such process
    expect(manager.recoverInterrupted()).toEqual([id])
    expect(getRunSummary(engine.db, id)).toMatchObject({ status: 'failed', error: expect.stringContaining(`stdd resume ${id}`) })
    engine.db.prepare("UPDATE runs SET status = 'running', pid = ?, heartbeat_at = ? WHERE id = ?").run(process.ppid, new Date().toISOString(), id)
    expect(manager.recoverInterrupted()).toEqual([]) // a live process with a fresh heartbeat keeps its run
  })
})

describe('cancelling from another process', () => {
  it('leaves a request that the running engine honours at its next step', async () => {
    const { runs } = manager.launch(experiment({ seed: [0] }))
    const id = runs[0]!.id
    let release!: () => void
    exec.gate = new Promise((r) => (release = r))
    const started = exec.nextStart()
    const draining = manager.drainQueue()
    await started
    // A second manager on the same database (another `stdd` process) asks for the cancel.
    const other = new RunManager({ db: engine.db, dataDir: dir.path, bus: engine.bus, log: engine.log, launcher: inProcessLauncher(exec, () => null), backendName: () => null })
    expect(other.cancel(id).status).toBe('running')
    release()
    await draining
    expect(getRunSummary(engine.db, id).status).toBe('cancelled')
    expect(exec.started).toEqual([id])
  })
})

describe('an engine that works through the queue by itself', () => {
  it('starts runs launched after an earlier drain found the queue empty', async () => {
    await manager.drainQueue() // empty queue
    const { runs } = manager.launch(experiment({ seed: [0] }))
    await manager.drainQueue()
    expect(getRunSummary(engine.db, runs[0]!.id).status).toBe('done')
  })
})

describe('more than one run at a time (STDD_LOCAL_WORKERS)', () => {
  it('runs up to maxParallel runs at once, and the next as soon as one ends', async () => {
    const parallel = new RunManager({ db: engine.db, dataDir: dir.path, bus: engine.bus, log: engine.log, launcher: inProcessLauncher(exec, () => 'wasm'), backendName: () => 'wasm', maxParallel: 2 })
    const { runs } = parallel.launch(experiment({ seed: [0, 1, 2] }))
    let release!: () => void
    exec.gate = new Promise((r) => (release = r))
    const draining = parallel.drainQueue()
    await new Promise((r) => setTimeout(r, 20))
    expect(exec.started).toEqual([runs[0]!.id, runs[1]!.id])
    expect(runs.map((r) => getRunSummary(engine.db, r.id).status)).toEqual(['running', 'running', 'queued'])
    release()
    await draining
    expect(exec.started).toEqual(runs.map((r) => r.id))
    expect(runs.map((r) => getRunSummary(engine.db, r.id).status)).toEqual(['done', 'done', 'done'])
  })

  it('runs the runs of one `stdd run` that many at once too, and starts none after a stop', async () => {
    const parallel = new RunManager({ db: engine.db, dataDir: dir.path, bus: engine.bus, log: engine.log, launcher: inProcessLauncher(exec, () => 'wasm'), backendName: () => 'wasm', maxParallel: 2 })
    const { runs } = parallel.launch(experiment({ seed: [0, 1, 2, 3] }))
    let release!: () => void
    exec.gate = new Promise((r) => (release = r))
    let stopping = false
    const running = parallel.runOnly(runs.slice(0, 3).map((r) => r.id), () => stopping)
    await new Promise((r) => setTimeout(r, 20))
    expect(exec.started).toEqual([runs[0]!.id, runs[1]!.id])
    expect(parallel.activeRunIds).toEqual([runs[0]!.id, runs[1]!.id])
    stopping = true
    release()
    await running
    expect(runs.map((r) => getRunSummary(engine.db, r.id).status)).toEqual(['done', 'done', 'queued', 'queued'])
  })
})
