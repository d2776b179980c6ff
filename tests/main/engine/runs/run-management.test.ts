import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { createExperiment } from '../../../../main/engine/store/experiments'
import { recordStep } from '../../../../main/engine/store/metrics'
import { createRun, setRunStatus } from '../../../../main/engine/store/runs'
import { appendRunLog } from '../../../../main/engine/runs/run-log'
import { tempDir } from '../../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let engine: Engine
const events: { event: string; payload: unknown }[] = []

beforeEach(async () => {
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  events.length = 0
  engine.subscribe((event, payload) => events.push({ event, payload }))
})
afterEach(() => {
  engine.close()
  dir.remove()
})

function seed(experiment: string, names: string[], status: 'done' | 'running' = 'done'): number[] {
  const e = engine.db.prepare('SELECT id FROM experiments WHERE name = ?').get(experiment) as { id: number } | undefined
  const experimentId = e?.id ?? createExperiment(engine.db, { name: experiment }).id
  return names.map((name) => {
    const run = createRun(engine.db, { experimentId, name, config: { seed: 0 }, configDiff: {}, seed: 0 })
    setRunStatus(engine.db, run.id, status)
    return run.id
  })
}

describe('run management', () => {
  it('moves runs to another experiment, naming a clash apart, and updates both experiments’ counts', async () => {
    const [a, b] = seed('suite-a', ['full', 'prompt'])
    seed('suite-b', ['full'])
    const target = (await engine.invoke('experiments.list', {})).find((e) => e.name === 'suite-b')!
    const moved = await engine.invoke('runs.move', { ids: [a!, b!], experimentId: target.id })
    expect(moved.map((r) => [r.name, r.experimentName])).toEqual([['full #2', 'suite-b'], ['prompt', 'suite-b']])
    const counts = Object.fromEntries((await engine.invoke('experiments.list', {})).map((e) => [e.name, e.runCount]))
    expect(counts).toEqual({ 'suite-a': 0, 'suite-b': 3 })
    expect(events.filter((e) => e.event === 'experiments.changed')).toHaveLength(2)
    await expect(engine.invoke('runs.move', { ids: [a!], experimentId: 999 })).rejects.toThrow(/experiment 999 does not exist/)
  })

  it('renames, tags, notes and archives a run; archived runs leave the table unless asked for', async () => {
    const [a, b] = seed('suite', ['full', 'prompt'])
    await expect(engine.invoke('runs.update', { id: a!, name: 'prompt' })).rejects.toThrow(/already has a run named "prompt"/)
    await expect(engine.invoke('runs.update', { id: a!, tags: ['has space'] })).rejects.toThrow(/tags\.0 .*no spaces/)
    const r = await engine.invoke('runs.update', { id: a!, name: 'full (lr fixed)', tags: ['best', 'paper', 'best'], note: 'the one in Table 4' })
    expect(r).toMatchObject({ name: 'full (lr fixed)', tags: ['best', 'paper'], note: 'the one in Table 4', archived: false })
    expect(events.at(-1)).toMatchObject({ event: 'runs.changed', payload: { id: a, name: 'full (lr fixed)' } })

    expect((await engine.invoke('runs.page', { filter: { tags: ['paper'] } })).rows.map((x) => x.id)).toEqual([a])
    await engine.invoke('runs.update', { id: b!, archived: true })
    expect((await engine.invoke('runs.page', {})).rows.map((x) => x.id)).toEqual([a])
    expect((await engine.invoke('runs.page', { filter: { archived: 'only' } })).rows.map((x) => x.id)).toEqual([b])
    expect((await engine.invoke('runs.page', { filter: { archived: 'include' } })).total).toBe(2)
    expect((await engine.invoke('runs.update', { id: b!, archived: false })).archived).toBe(false)
  })

  it('deletes finished runs with their stored results and their folder; refuses a running one', async () => {
    const [a] = seed('suite', ['full'])
    const [busy] = seed('suite', ['running-one'], 'running')
    recordStep(engine.db, a!, 1, 1, { loss: 0.5 })
    const folder = join(dir.path, 'runs', String(a))
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'checkpoint.safetensors'), Buffer.alloc(1000))
    await expect(engine.invoke('runs.delete', { ids: [a!, busy!] })).rejects.toThrow(/cannot be deleted while queued or running; cancel them first/)
    expect(existsSync(folder)).toBe(true) // nothing deleted when any run is refused

    const out = await engine.invoke('runs.delete', { ids: [a!] })
    expect(out).toEqual({ deleted: [a], freedBytes: 1000 })
    expect(existsSync(folder)).toBe(false)
    expect(engine.db.prepare('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?').get(a)).toEqual({ n: 0 })
    await expect(engine.invoke('runs.get', { id: a! })).rejects.toThrow(/does not exist/)
    expect(events.some((e) => e.event === 'runs.deleted' && (e.payload as { runId: number }).runId === a)).toBe(true)
  })

  it('reads a run’s whole log, or its end when it is long', async () => {
    const [a] = seed('suite', ['full'])
    expect(await engine.invoke('runs.log', { id: a! })).toEqual({ text: '', truncated: false, bytes: 0 })
    const folder = join(dir.path, 'runs', String(a))
    mkdirSync(folder, { recursive: true })
    appendRunLog(folder, 'info', 'epoch 1: loss 0.50')
    appendRunLog(folder, 'error', 'failed: out of memory')
    const log = await engine.invoke('runs.log', { id: a! })
    expect(log.text).toMatch(/info {2}epoch 1: loss 0\.50\n.*error failed: out of memory\n$/)
    expect(log.truncated).toBe(false)
  })
})
