import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { createRun, setRunStatus } from '../../../../main/engine/store/runs'
import { recordStep } from '../../../../main/engine/store/metrics'
import { tempDir } from '../../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let engine: Engine
const ids: Record<string, number> = {}

function run(experimentId: number, name: string, config: Record<string, unknown>, loss?: number): number {
  const r = createRun(engine.db, { experimentId, name, config, configDiff: {}, seed: Number(config.seed ?? 0) })
  if (loss !== undefined) recordStep(engine.db, r.id, 10, 1, { 'train/loss': loss })
  ids[name] = r.id
  return r.id
}

beforeEach(async () => {
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  const a = await engine.invoke('experiments.create', { name: 'table4' })
  const b = await engine.invoke('experiments.create', { name: 'table5' })
  run(a.id, 'frozen,seed=0', { seed: 0, model: { adaptation: { mode: 'frozen' }, stca: { enabled: false } }, train: { lr: 0.001 }, eval: [{ dataset: 'ucf101' }] }, 2.5)
  run(a.id, 'frozen,seed=1', { seed: 1, model: { adaptation: { mode: 'frozen' }, stca: { enabled: false } }, train: { lr: 0.001 }, eval: [{ dataset: 'ucf101' }] }, 2.1)
  run(a.id, 'full,seed=0', { seed: 0, model: { adaptation: { mode: 'full' }, stca: { enabled: true } }, train: { lr: 0.0005 }, eval: [{ dataset: 'hmdb51' }] }, 1.2)
  run(b.id, 'masks,seed=0', { seed: 0, model: { adaptation: { mode: 'full' }, stca: { enabled: true } }, train: { lr: 0.01 }, note: 'beta' })
  setRunStatus(engine.db, ids['full,seed=0']!, 'done')
})
afterEach(() => {
  engine.close()
  dir.remove()
})

const names = (rows: { name: string }[]) => rows.map((r) => r.name)

describe('runs.page', () => {
  it('returns one page and the total, newest first by default, with the requested config columns', async () => {
    const page = await engine.invoke('runs.page', { limit: 2, columns: ['model.adaptation.mode', 'eval.0.dataset', 'model.stca.enabled'] })
    expect(page.total).toBe(4)
    expect(names(page.rows)).toEqual(['masks,seed=0', 'full,seed=0'])
    expect(page.rows[1]!.config).toEqual({ 'model.adaptation.mode': 'full', 'eval.0.dataset': 'hmdb51', 'model.stca.enabled': true })
    expect(page.rows[0]!.config).toEqual({ 'model.adaptation.mode': 'full', 'model.stca.enabled': true }) // it has no eval list
    expect(page.rows[1]!.lastMetrics['train/loss']).toBe(1.2)
    const next = await engine.invoke('runs.page', { offset: 2, limit: 2 })
    expect(names(next.rows)).toEqual(['frozen,seed=1', 'frozen,seed=0'])
  })

  it('sorts on a config key (numbers as numbers), on a metric, and on a column, missing values last', async () => {
    const byLr = await engine.invoke('runs.page', { sort: { key: 'config:train.lr', dir: 'asc' } })
    expect(names(byLr.rows)).toEqual(['full,seed=0', 'frozen,seed=0', 'frozen,seed=1', 'masks,seed=0'])
    const byLoss = await engine.invoke('runs.page', { sort: { key: 'metric:train/loss', dir: 'desc' } })
    expect(names(byLoss.rows)).toEqual(['frozen,seed=0', 'frozen,seed=1', 'full,seed=0', 'masks,seed=0'])
    const byNote = await engine.invoke('runs.page', { sort: { key: 'config:note', dir: 'desc' } })
    expect(byNote.rows[0]!.name).toBe('masks,seed=0')
    const byName = await engine.invoke('runs.page', { sort: { key: 'name', dir: 'asc' } })
    expect(names(byName.rows)).toEqual(['frozen,seed=0', 'frozen,seed=1', 'full,seed=0', 'masks,seed=0'])
  })

  it('filters by status, experiment, text, run ids and key=value / key>value conditions', async () => {
    const t5 = (await engine.invoke('experiments.list', {})).find((e) => e.name === 'table5')!
    const done = await engine.invoke('runs.page', { filter: { status: ['done'], text: 'table4' } })
    expect(names(done.rows)).toEqual(['full,seed=0'])
    expect(done.statusCounts).toEqual({ queued: 2, done: 1 }) // the text filter holds, the status filter not
    expect(names((await engine.invoke('runs.page', { filter: { experimentIds: [t5.id] } })).rows)).toEqual(['masks,seed=0'])
    expect((await engine.invoke('runs.page', { filter: { text: 'table4' } })).total).toBe(3)
    expect(names((await engine.invoke('runs.page', { filter: { text: 'seed=1' } })).rows)).toEqual(['frozen,seed=1'])
    expect(names((await engine.invoke('runs.page', { filter: { runIds: [ids['frozen,seed=0']!, ids['masks,seed=0']!] } })).rows)).toEqual(['masks,seed=0', 'frozen,seed=0'])
    const cond = async (conditions: { key: string; op: '=' | '!=' | '>' | '>=' | '<' | '<='; value: string | number | boolean | null }[]) =>
      names((await engine.invoke('runs.page', { filter: { conditions }, sort: { key: 'name', dir: 'asc' } })).rows)
    expect(await cond([{ key: 'model.adaptation.mode', op: '=', value: 'frozen' }])).toEqual(['frozen,seed=0', 'frozen,seed=1'])
    expect(await cond([{ key: 'train.lr', op: '>', value: 0.0006 }])).toEqual(['frozen,seed=0', 'frozen,seed=1', 'masks,seed=0'])
    expect(await cond([{ key: 'train.lr', op: '<=', value: 0.001 }, { key: 'seed', op: '=', value: 0 }])).toEqual(['frozen,seed=0', 'full,seed=0'])
    expect(await cond([{ key: 'model.stca.enabled', op: '=', value: true }])).toEqual(['full,seed=0', 'masks,seed=0'])
    expect(await cond([{ key: 'eval.0.dataset', op: '!=', value: 'ucf101' }])).toEqual(['full,seed=0', 'masks,seed=0'])
    // A number compared with text never matches by SQLite's type order.
    expect(await cond([{ key: 'note', op: '>', value: 1 }])).toEqual([])
    await expect(engine.invoke('runs.page', { filter: { conditions: [{ key: 'model.stca.enabled', op: '>', value: true }] } })).rejects.toThrow(/use = or != for true/)
  })

  it('groups by experiment or by variant (seeds together), groups first, with each group\'s count', async () => {
    const byVariant = await engine.invoke('runs.page', { groupBy: 'variant', sort: { key: 'seed', dir: 'asc' } })
    expect(byVariant.groups).toEqual([
      { label: 'table4 / frozen', count: 2 },
      { label: 'table4 / full', count: 1 },
      { label: 'table5 / masks', count: 1 },
    ])
    expect(byVariant.rows.map((r) => [r.group, r.name])).toEqual([
      ['table4 / frozen', 'frozen,seed=0'],
      ['table4 / frozen', 'frozen,seed=1'],
      ['table4 / full', 'full,seed=0'],
      ['table5 / masks', 'masks,seed=0'],
    ])
    const byExperiment = await engine.invoke('runs.page', { groupBy: 'experiment', filter: { text: 'full' } })
    expect(byExperiment.groups).toEqual([{ label: 'table4', count: 1 }])
  })

  it('rejects a sort it cannot do, naming what it can', async () => {
    await expect(engine.invoke('runs.page', { sort: { key: 'colour', dir: 'asc' } })).rejects.toThrow(/config:<dotted key>/)
  })
})

describe('the flattened config', () => {
  it('lists every dotted key with its number of runs, and keeps up when a run\'s config changes or it is deleted', async () => {
    const keys = await engine.invoke('runs.configKeys', {})
    expect(keys).toContainEqual({ key: 'model.adaptation.mode', runs: 4 })
    expect(keys).toContainEqual({ key: 'eval.0.dataset', runs: 3 })
    expect(await engine.invoke('runs.configKeys', { search: 'ADAPT' })).toEqual([{ key: 'model.adaptation.mode', runs: 4 }])
    engine.db.prepare('UPDATE runs SET config_json = ? WHERE id = ?').run(JSON.stringify({ seed: 0, fresh: 1 }), ids['masks,seed=0'])
    engine.db.prepare('DELETE FROM runs WHERE id = ?').run(ids['frozen,seed=1'])
    const after = await engine.invoke('runs.configKeys', {})
    expect(after).toContainEqual({ key: 'model.adaptation.mode', runs: 2 })
    expect(after).toContainEqual({ key: 'fresh', runs: 1 })
  })

  it('compares N runs key by key, marking the keys whose values differ across all of them', async () => {
    const { runs, keys } = await engine.invoke('runs.compare', { ids: [ids['frozen,seed=0']!, ids['frozen,seed=1']!, ids['full,seed=0']!] })
    expect(names(runs)).toEqual(['frozen,seed=0', 'frozen,seed=1', 'full,seed=0'])
    const byKey = Object.fromEntries(keys.map((k) => [k.key, k]))
    expect(byKey['seed']).toEqual({ key: 'seed', values: [0, 1, 0], differs: true })
    expect(byKey['model.adaptation.mode']).toEqual({ key: 'model.adaptation.mode', values: ['frozen', 'frozen', 'full'], differs: true })
    expect(byKey['eval.0.dataset']!.differs).toBe(true)
    const same = await engine.invoke('runs.compare', { ids: [ids['frozen,seed=0']!, ids['frozen,seed=1']!] })
    expect(same.keys.filter((k) => k.differs).map((k) => k.key)).toEqual(['seed'])
    await expect(engine.invoke('runs.compare', { ids: [999] })).rejects.toThrow(/run 999 does not exist/)
  })

  it('groups the compared runs that differ only in their seed, as the results table pools them, labelled as its rows', async () => {
    const { seedGroups } = await engine.invoke('runs.compare', { ids: [ids['frozen,seed=0']!, ids['full,seed=0']!, ids['frozen,seed=1']!] })
    expect(seedGroups).toEqual([
      { label: 'full', runIds: [ids['full,seed=0']] },
      { label: 'frozen', runIds: [ids['frozen,seed=0'], ids['frozen,seed=1']] },
    ])
  })
})

describe('the runs table layout', () => {
  it('starts from the default and keeps what was saved', async () => {
    expect(await engine.invoke('views.runsTable.get', {})).toEqual({ columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null })
    const view = { columns: ['train.lr'], metrics: ['eval/ucf101/ep1/top1'], sort: { key: 'config:train.lr', dir: 'asc' as const }, groupBy: 'variant' as const }
    await engine.invoke('views.runsTable.set', view)
    expect(await engine.invoke('views.runsTable.get', {})).toEqual(view)
  })
})
