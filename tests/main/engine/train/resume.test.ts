import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, afterAll, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { Engine } from '../../../../main/engine/engine'
import { loadExperimentFile } from '../../../../main/engine/experiments/resolve'
import type { RunRecord } from '../../../../main/engine/worker/record'
import { tempDir } from '../../../helpers/temp-dir'
import { writeTinyExperiment } from './tiny-experiment'

type Metrics = Record<string, number[]>

async function metricsOf(engine: Engine, runId: number): Promise<Metrics> {
  const out: Metrics = {}
  for (const p of await engine.invoke('runs.metrics', { runId })) (out[p.name] ??= []).push(p.value)
  return out
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function records(dataDir: string, runId: number): RunRecord[] {
  const file = join(dataDir, 'runs', String(runId), 'record.jsonl')
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}'))
    .map((l) => JSON.parse(l) as RunRecord)
}

/** The pid of the run's current worker (from its last `start` record), once it has started. */
function workerPid(dataDir: string, runId: number): number | null {
  const starts = records(dataDir, runId).filter((r) => r.type === 'start')
  return starts.length ? (starts[starts.length - 1] as Extract<RunRecord, { type: 'start' }>).pid : null
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Polls the data folder's database until the run has recorded a training step in [from, to). */
async function untilStep(dataDir: string, from: number, stillRunning: () => boolean): Promise<number> {
  for (let i = 0; i < 1200 && stillRunning(); i++) {
    await sleep(100)
    try {
      const db = new Database(join(dataDir, 'stdd.sqlite'), { readonly: true, fileMustExist: true })
      const row = db.prepare("SELECT MAX(step) AS step FROM metrics WHERE name = 'train/loss'").get() as { step: number | null }
      db.close()
      if ((row.step ?? 0) >= from) return row.step!
    } catch {
      // the database does not exist yet
    }
  }
  return 0
}

let dir: ReturnType<typeof tempDir>
let file: string
let expected: Metrics

beforeAll(async () => {
  dir = tempDir()
  file = writeTinyExperiment(dir.path)
  // The uninterrupted reference (its own worker process, as every run).
  const ref = await Engine.start({ dataDir: join(dir.path, 'reference'), backend: 'wasm' })
  try {
    const launched = ref.runs.launch(loadExperimentFile(file))
    await ref.runs.runOnly([launched.runs[0]!.id])
    expected = await metricsOf(ref, launched.runs[0]!.id)
  } finally {
    ref.close()
  }
}, 600_000)
afterAll(() => dir.remove())

describe('a run whose worker or engine dies mid-epoch', () => {
  it('worker killed with SIGKILL: the run is failed with the reason; resumed, it ends with exactly the uninterrupted metrics', async () => {
    const dataDir = join(dir.path, 'worker-killed')
    const engine = await Engine.start({ dataDir, backend: 'wasm' })
    try {
      const [run] = engine.runs.launch(loadExperimentFile(file)).runs
      let settled = false
      const running = engine.runs.runOnly([run!.id]).finally(() => (settled = true))
      const killedAtStep = await untilStep(dataDir, 5, () => !settled)
      expect(killedAtStep).toBeGreaterThanOrEqual(5) // during epoch 2 (steps 5–8), after epoch 1's checkpoint
      expect(killedAtStep).toBeLessThan(8)
      process.kill(workerPid(dataDir, run!.id)!, 'SIGKILL')
      await running
      expect(await engine.invoke('runs.get', { id: run!.id })).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted: its worker process killed \(SIGKILL\) before the run ended/) })
      expect(await engine.invoke('app.info', {})).toBeDefined() // the engine goes on serving

      await engine.invoke('runs.resume', { id: run!.id })
      await engine.runs.runOnly([run!.id])
      expect((await engine.invoke('runs.get', { id: run!.id })).status).toBe('done')
      expect(await metricsOf(engine, run!.id)).toEqual(expected)
    } finally {
      engine.close()
    }
  }, 600_000)

  it('worker pre-empted with SIGUSR1: it stops at the step boundary with a preempted record and exit 3; started again on its folder, it ends with exactly the uninterrupted metrics', async () => {
    const dataDir = join(dir.path, 'worker-preempted')
    const engine = await Engine.start({ dataDir, backend: 'wasm' })
    try {
      const [run] = engine.runs.launch(loadExperimentFile(file)).runs
      let settled = false
      const running = engine.runs.runOnly([run!.id]).finally(() => (settled = true))
      expect(await untilStep(dataDir, 5, () => !settled)).toBeGreaterThanOrEqual(5)
      process.kill(workerPid(dataDir, run!.id)!, 'SIGUSR1')
      await running
      const tail = records(dataDir, run!.id)
      const trainedBefore = Math.max(...tail.flatMap((r) => (r.type === 'metrics' && 'train/loss' in r.values ? [r.step] : [])))
      // It finished its step and kept a mid-epoch checkpoint after it: epoch 2 (steps 5–8) resumes at the next step.
      expect(tail[tail.length - 1]).toMatchObject({ type: 'preempted', resumeFrom: 1, resumeStep: trainedBefore - 4 })
      expect(await engine.invoke('runs.get', { id: run!.id })).toMatchObject({ status: 'failed', error: expect.stringContaining('its worker process stopped for a pre-emption') })

      await engine.invoke('runs.resume', { id: run!.id })
      await engine.runs.runOnly([run!.id])
      expect((await engine.invoke('runs.get', { id: run!.id })).status).toBe('done')
      expect(await metricsOf(engine, run!.id)).toEqual(expected)
      const all = records(dataDir, run!.id)
      expect(all.filter((r) => r.type === 'start').map((r) => (r as Extract<RunRecord, { type: 'start' }>).attempt)).toEqual([1, 1, 2, 2]) // each attempt's start, and again once its backend was known
      // The second attempt trained only the steps the first had not.
      const secondStart = all.findLastIndex((r) => r.type === 'start' && r.attempt === 2 && r.backend === null)
      const retrained = all.slice(secondStart).flatMap((r) => (r.type === 'metrics' && 'train/loss' in r.values ? [r.step] : []))
      expect(retrained[0]).toBe(trainedBefore + 1)
    } finally {
      engine.close()
    }
  }, 600_000)

  it('engine killed with SIGKILL: its worker stops at the step boundary; the next engine imports everything it recorded, marks the run interrupted, and the resume is identical', async () => {
    const dataDir = join(dir.path, 'engine-killed')
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'run-in-child.ts'), dataDir, file], { stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = once(child, 'exit')
    const killedAtStep = await untilStep(dataDir, 5, () => child.exitCode === null)
    const worker = workerPid(dataDir, 1)
    child.kill('SIGKILL')
    await exited
    expect(killedAtStep).toBeGreaterThanOrEqual(5)
    expect(killedAtStep).toBeLessThan(8)
    expect(worker).not.toBeNull()
    for (let i = 0; i < 600 && isAlive(worker!); i++) await sleep(100)
    expect(isAlive(worker!)).toBe(false)
    const tail = records(dataDir, 1)
    expect(tail[tail.length - 1]).toMatchObject({ type: 'preempted', resumeFrom: 1 })
    const recordedSteps = tail.flatMap((r) => (r.type === 'metrics' && 'train/loss' in r.values ? [r.step] : []))
    expect(Math.max(...recordedSteps)).toBeGreaterThanOrEqual(killedAtStep)

    const engine = await Engine.start({ dataDir, backend: 'wasm' })
    try {
      const interrupted = await engine.invoke('runs.get', { id: 1 })
      expect(interrupted).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted/) })
      // Nothing the worker recorded after the engine died is lost.
      expect((await metricsOf(engine, 1))['train/loss']).toEqual(expected['train/loss']!.slice(0, Math.max(...recordedSteps)))
      await engine.invoke('runs.resume', { id: 1 })
      await engine.runs.runOnly([1])
      expect((await engine.invoke('runs.get', { id: 1 })).status).toBe('done')
      expect(await metricsOf(engine, 1)).toEqual(expected)
    } finally {
      engine.close()
    }
  }, 600_000)
})
