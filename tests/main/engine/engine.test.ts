import { describe, expect, it } from 'vitest'
import { COMMANDS, ContractError, commandSchemas, type ClassGraphData, type CommandInput, type CommandName, type EventName } from '../../../contract'
import { createRun, setRunStatus } from '../../../main/engine/store/runs'
import { recordStep } from '../../../main/engine/store/metrics'
import { useTempEngine } from '../../helpers/temp-engine'

const temp = useTempEngine()

const graph: ClassGraphData = { label: 'l', objects: [], subActions: [], objectRelations: [], actionObjectRelations: [], actionRelations: [], clauses: { oo: [], ao: [], aa: [] } }

/** One input of every command that its schema accepts (ids point at nothing: the database is empty). */
const WELL_FORMED: { [C in CommandName]: CommandInput<C> } = {
  'app.info': {},
  'experiments.list': {},
  'experiments.create': { name: 'e' },
  'runs.list': {},
  'runs.get': { id: 1 },
  'runs.metrics': { runId: 1 },
  'logs.recent': {},
  'experiments.files': {},
  'runs.launch': { yaml: 'name: tiny\n' },
  'runs.cancel': { id: 1 },
  'runs.resume': { id: 1 },
  'export.table': { experiments: ['none'] },
  'runs.page': {},
  'runs.configKeys': {},
  'runs.compare': { ids: [1] },
  'views.runsTable.get': {},
  'views.runsTable.set': { columns: [], sort: { key: 'id', dir: 'desc' }, groupBy: null },
  'export.pivot': { experiments: ['none'] },
  'analysis.evalKeys': { runIds: [1] },
  'analysis.perClass': { runIds: [1], evalKey: 'ucf101/ep1' },
  'analysis.confusion': { runId: 1, evalKey: 'ucf101/ep1' },
  'analysis.videos': { runId: 1, evalKey: 'ucf101/ep1' },
  'maps.videos': { runIds: [1] },
  'maps.get': { runId: 1, evalKey: 'ucf101/ep1', video: 'v.avi' },
  'artifacts.read': { id: 1 },
  'runs.evaluate': { runId: 1, evals: [{ dataset: 'ucf101', protocol: 'ep1' }] },
  'graphs.list': {},
  'graphs.get': { id: 1 },
  'graphs.saveClass': { parentId: 1, index: 0, graph },
  'graphs.diff': { fromId: 1, toId: 2 },
  'graphs.runs': { id: 1 },
  'graphs.generate': { target: { kind: 'regenerate', graphId: 1, classIndices: [0] }, endpoint: 'http://127.0.0.1:9/v1', model: 'm' },
  'graphs.cancelJob': { jobId: 1 },
  'graphs.jobs': {},
  'prompts.preview': { graphId: 1, classIndex: 0 },
  'runs.metricKeys': {},
  'runs.move': { ids: [1], experimentId: 1 },
  'runs.update': { id: 1, tags: ['paper'] },
  'runs.delete': { ids: [1] },
  'runs.log': { id: 1 },
  'settings.get': {},
  'settings.set': { dataWorkers: 1 },
  'clusters.list': {},
  'clusters.save': { profile: { name: 'p' } },
  'clusters.delete': { name: 'p' },
  'clusters.test': { name: 'default' },
  'runs.job': { id: 1 },
  'experiments.read': { file: 'experiments/smoke.yaml' },
  'experiments.validate': { text: 'name: tiny\n' },
  'experiments.save': { path: 'tiny.yaml', text: 'name: tiny\n' },
}

async function invokeError(command: string, input: unknown): Promise<ContractError> {
  try {
    await temp.engine.invoke(command, input)
  } catch (err) {
    if (err instanceof ContractError) return err
    throw err
  }
  throw new Error(`${command} did not fail`)
}

describe('the engine contract', () => {
  it('has a schema and a handler for every command, and a well-formed call reaches the handler', async () => {
    expect(Object.keys(commandSchemas).sort()).toEqual([...COMMANDS].sort())
    for (const command of COMMANDS) {
      // Past validation, a handler answers, or refuses what does not exist or is not in that state.
      const err = await temp.engine.invoke(command, WELL_FORMED[command]).then(
        () => null,
        (e: ContractError) => e,
      )
      expect({ command, code: err?.code ?? 'ok' }).toEqual({ command, code: expect.stringMatching(/^(ok|not_found|conflict)$/) })
    }
  })

  it('rejects a malformed payload with an error naming the field and the allowed values, and changes nothing', async () => {
    const before = await temp.engine.invoke('experiments.list', {})
    const e1 = await invokeError('experiments.create', { name: 42 })
    expect(e1.code).toBe('invalid_input')
    expect(e1.issues?.[0]?.path).toBe('name')
    expect(e1.message).toMatch(/^experiments\.create: name /)

    const e2 = await invokeError('runs.list', { status: ['finished'] })
    expect(e2.issues?.[0]).toEqual({ path: 'status.0', message: 'must be one of "queued", "running", "done", "failed", "cancelled"' })

    const e3 = await invokeError('experiments.create', { name: 'ok', colour: 'red' })
    expect(e3.issues?.[0]?.message).toMatch(/unknown field\(s\) colour/)

    const e4 = await invokeError('experiments.create', { name: '   ' })
    expect(e4.message).toMatch(/name must not be empty/)

    expect(await temp.engine.invoke('experiments.list', {})).toEqual(before)
    expect(temp.engine.db.prepare('SELECT COUNT(*) AS n FROM experiments').get()).toEqual({ n: 0 })
  })

  it('names the commands when one is unknown', async () => {
    const e = await invokeError('runs.delete_all', {})
    expect(e.code).toBe('unknown_command')
    expect(e.message).toContain('runs.list')
  })

  it('creates an experiment, emits it as an event and logs it', async () => {
    const seen: { event: EventName; payload: unknown }[] = []
    temp.engine.subscribe((event, payload) => seen.push({ event, payload }))
    const created = await temp.engine.invoke('experiments.create', { name: 'table4', description: 'adaptation modes' })
    expect(created).toMatchObject({ name: 'table4', description: 'adaptation modes', runCount: 0 })
    expect(seen.find((s) => s.event === 'experiments.changed')?.payload).toEqual(created)
    expect(seen.some((s) => s.event === 'log' && (s.payload as { message: string }).message.includes('table4'))).toBe(true)
    const dup = await invokeError('experiments.create', { name: 'table4' })
    expect(dup.code).toBe('conflict')
  })

  it('lists runs with their latest metrics and filters by status', async () => {
    const exp = await temp.engine.invoke('experiments.create', { name: 'e' })
    const a = createRun(temp.engine.db, { experimentId: exp.id, name: 'a', config: { lr: 1 }, configDiff: { lr: 1 }, seed: 3 })
    const b = createRun(temp.engine.db, { experimentId: exp.id, name: 'b', config: {}, configDiff: {}, seed: 4 })
    recordStep(temp.engine.db, a.id, 1, 0.5, { loss: 2.5, top1: 10 })
    recordStep(temp.engine.db, a.id, 2, 1, { loss: 1.25 })
    setRunStatus(temp.engine.db, a.id, 'running')
    setRunStatus(temp.engine.db, b.id, 'failed', 'out of memory')

    const running = await temp.engine.invoke('runs.list', { status: ['running'] })
    expect(running.map((r) => r.name)).toEqual(['a'])
    expect(running[0]!.lastMetrics).toEqual({ loss: 1.25, top1: 10 })
    expect(running[0]!.startedAt).not.toBeNull()

    const failed = await temp.engine.invoke('runs.get', { id: b.id })
    expect(failed).toMatchObject({ status: 'failed', error: 'out of memory', config: {}, seed: 4 })
    expect(failed.finishedAt).not.toBeNull()

    const metrics = await temp.engine.invoke('runs.metrics', { runId: a.id, names: ['loss'] })
    expect(metrics.map((m) => [m.step, m.value])).toEqual([
      [1, 2.5],
      [2, 1.25],
    ])
    expect((await invokeError('runs.metrics', { runId: 999 })).code).toBe('not_found')
  })

  it('refuses non-finite metrics, writing nothing of that step', async () => {
    const exp = await temp.engine.invoke('experiments.create', { name: 'e' })
    const run = createRun(temp.engine.db, { experimentId: exp.id, name: 'a', config: {}, configDiff: {}, seed: 1 })
    expect(() => recordStep(temp.engine.db, run.id, 1, 0, { loss: 1, top1: Number.NaN })).toThrow(/metric "top1" at step 1 is NaN/)
    expect(await temp.engine.invoke('runs.metrics', { runId: run.id })).toEqual([])
  })

  it('reports its identity', async () => {
    const info = await temp.engine.invoke('app.info', {})
    expect(info.dataDir).toBe(temp.dataDir)
    expect(info.schemaVersion).toBeGreaterThan(0)
    expect(info.versions.sqlite).toMatch(/^3\./)
    expect(typeof info.ffmpeg.found).toBe('boolean')
    expect(info.missing.some((p) => p.what === 'ffmpeg')).toBe(!info.ffmpeg.found)
  })
})
