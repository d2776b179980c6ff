import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { createRun } from '../../../../main/engine/store/runs'
import { recordStep } from '../../../../main/engine/store/metrics'
import { tempDir } from '../../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let engine: Engine
const ids: Record<string, number> = {}

/** A run with per-epoch evaluations: `top1[e]` is eval/ucf101/ep1/top1 after epoch e+1 (its best need not be its last). */
function run(experimentId: number, name: string, mode: string, top1: number[], hmdb?: number): void {
  const r = createRun(engine.db, { experimentId, name, config: { seed: 0, model: { adaptation: { mode } } }, configDiff: {}, seed: 0 })
  top1.forEach((v, e) => recordStep(engine.db, r.id, e + 1, e + 1, { 'eval/ucf101/ep1/top1': v, 'train/loss': 3 - e }))
  if (hmdb !== undefined) recordStep(engine.db, r.id, top1.length, top1.length, { 'eval/hmdb51/ep1/top1': hmdb })
  ids[name] = r.id
}

beforeEach(async () => {
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  const e = await engine.invoke('experiments.create', { name: 'table4' })
  run(e.id, 'frozen', 'frozen', [30, 35])
  run(e.id, 'prompt', 'prompt', [50, 45], 20)
  run(e.id, 'full', 'full', [60, 82], 41)
})
afterEach(() => {
  engine.close()
  dir.remove()
})

const names = (rows: { name: string }[]) => rows.map((r) => r.name).sort()

describe('runs.page on metrics', () => {
  it('filters on a metric’s final value, by its full name (dots or slashes) or by its last part (any evaluation)', async () => {
    const page = (conditions: { key: string; op: '>' | '>=' | '<'; value: number }[]) => engine.invoke('runs.page', { filter: { conditions } }).then((p) => names(p.rows))
    expect(await page([{ key: 'eval.ucf101.ep1.top1', op: '>=', value: 80 }])).toEqual(['full'])
    expect(await page([{ key: 'eval/ucf101/ep1/top1', op: '>', value: 40 }])).toEqual(['full', 'prompt'])
    // Final values, not the best: prompt reached 50 at epoch 1 but ended at 45.
    expect(await page([{ key: 'eval.ucf101.ep1.top1', op: '>=', value: 50 }])).toEqual(['full'])
    // `top1` is any evaluation's top-1: hmdb51's 41 makes `top1>40` hold for full; prompt's ucf101 45 for prompt.
    expect(await page([{ key: 'top1', op: '>', value: 40 }])).toEqual(['full', 'prompt'])
    expect(await page([{ key: 'hmdb51.ep1.top1', op: '>', value: 40 }])).toEqual(['full'])
    // Config keys still win: model.adaptation.mode is a config key.
    expect(names((await engine.invoke('runs.page', { filter: { conditions: [{ key: 'model.adaptation.mode', op: '=', value: 'full' }] } })).rows)).toEqual(['full'])
  })

  it('names an unknown filter key and the nearest ones, instead of matching no run', async () => {
    await expect(engine.invoke('runs.page', { filter: { conditions: [{ key: 'model.adaptaton.mode', op: '=', value: 'full' }] } })).rejects.toThrow(
      /the filter names "model\.adaptaton\.mode", which is no config key and no metric of any run; did you mean "model\.adaptation\.mode"/,
    )
    await expect(engine.invoke('runs.page', { filter: { conditions: [{ key: 'top1', op: '=', value: 'high' }] } })).rejects.toThrow(/compares a metric with "high"; compare it with a number/)
  })

  it('carries the best value of the asked metric columns (lowest for a loss) and sorts on it', async () => {
    const page = await engine.invoke('runs.page', { metrics: ['eval/ucf101/ep1/top1', 'train/loss'], sort: { key: 'best:eval/ucf101/ep1/top1', dir: 'desc' } })
    expect(page.rows.map((r) => [r.name, r.best['eval/ucf101/ep1/top1'], r.lastMetrics['eval/ucf101/ep1/top1'], r.best['train/loss']])).toEqual([
      ['full', 82, 82, 2],
      ['prompt', 50, 45, 2],
      ['frozen', 35, 35, 2],
    ])
    expect(await engine.invoke('runs.metricKeys', { search: 'top1' })).toEqual([
      { key: 'eval/hmdb51/ep1/top1', runs: 2 },
      { key: 'eval/ucf101/ep1/top1', runs: 3 },
    ])
  })
})
