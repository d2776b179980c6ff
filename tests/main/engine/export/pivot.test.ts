import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { buildPivot } from '../../../../main/engine/export/pivot'
import { formatPivot } from '../../../../main/engine/export/formats'
import { createRun, setRunStatus } from '../../../../main/engine/store/runs'
import { recordStep } from '../../../../main/engine/store/metrics'
import { tempDir } from '../../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let engine: Engine

function finishedRun(experimentId: number, name: string, diff: Record<string, unknown>, seed: number, evals: Record<string, number>): number {
  const run = createRun(engine.db, { experimentId, name, config: {}, configDiff: { ...diff, seed }, seed })
  recordStep(engine.db, run.id, 100, 4, evals)
  setRunStatus(engine.db, run.id, 'done')
  return run.id
}

beforeEach(async () => {
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  const exp = await engine.invoke('experiments.create', { name: 'table4' })
  // frozen: two seeds on UCF EP1 → mean ± std over seeds.
  finishedRun(exp.id, 'frozen,seed=0', { 'model.adaptation': 'frozen' }, 0, { 'eval/ucf101/ep1/top1': 60, 'eval/ucf101/ep1/top1_std': 2, 'eval/ucf101/ep1/n': 10 })
  finishedRun(exp.id, 'frozen,seed=1', { 'model.adaptation': 'frozen' }, 1, { 'eval/ucf101/ep1/top1': 64, 'eval/ucf101/ep1/top1_std': 3, 'eval/ucf101/ep1/n': 10 })
  // full: one run → mean ± std over its 10 subsets; also HMDB EP3.
  finishedRun(exp.id, 'seed=0', { 'model.adaptation': 'full' }, 0, { 'eval/ucf101/ep1/top1': 70.5, 'eval/ucf101/ep1/top1_std': 1.5, 'eval/ucf101/ep1/n': 10, 'eval/hmdb51/ep3/top1': 50, 'eval/hmdb51/ep3/top1_std': 0.5, 'eval/hmdb51/ep3/n': 3 })
  // A failed run is left out.
  const failed = createRun(engine.db, { experimentId: exp.id, name: 'broken', config: {}, configDiff: { 'model.adaptation': 'prompt' }, seed: 0 })
  setRunStatus(engine.db, failed.id, 'failed', 'x')
})
afterEach(() => {
  engine.close()
  dir.remove()
})

describe('result tables', () => {
  it('group runs that differ only by seed and compute mean ± sample std', () => {
    const t = buildPivot(engine.db, ['table4'])
    expect(t.rowKeys).toEqual(['model.adaptation'])
    expect(t.columns).toEqual(['hmdb51/ep3', 'ucf101/ep1'])
    const frozen = t.rows.find((r) => r.label === 'frozen')! // named by its variant
    expect(frozen.runIds).toHaveLength(2)
    expect(frozen.cells['ucf101/ep1']).toEqual({ mean: 62, std: Math.SQRT2 * 2, n: 2, over: 'seeds', best: false, runIds: frozen.runIds })
    expect(frozen.cells['hmdb51/ep3']).toBeNull()
    const full = t.rows.find((r) => r.label === 'model.adaptation=full')! // no variant name: by its config
    expect(full.cells['ucf101/ep1']).toEqual({ mean: 70.5, std: 1.5, n: 10, over: 'subsets', best: true, runIds: full.runIds })
    expect(full.runIds).toHaveLength(1)
  })

  it('print Markdown with the best in bold and say which std', () => {
    const md = formatPivot(buildPivot(engine.db, ['table4']), 'md')
    expect(md).toContain('| frozen | – | 62.0 ± 2.8 (n=2) |')
    expect(md).toContain('| model.adaptation=full | **50.0 ± 0.5 (n=3)** | **70.5 ± 1.5 (n=10)** |')
    expect(md).toMatch(/over the seeds of a row.*over the protocol's subsets/)
    expect(md).toContain('Prompt sets: none recorded.')
  })

  it('print LaTeX booktabs and CSV', () => {
    const t = buildPivot(engine.db, ['table4'])
    const tex = formatPivot(t, 'latex')
    expect(tex).toContain('\\toprule')
    expect(tex).toContain('model.adaptation=full & \\textbf{50.0 $\\pm$ 0.5 {\\scriptsize (3)}} & \\textbf{70.5 $\\pm$ 1.5 {\\scriptsize (10)}} \\\\')
    expect(tex).toContain('\\caption{table4.')
    const csv = formatPivot(t, 'csv').split('\n')
    expect(csv[0]).toBe('row,runs,hmdb51/ep3 mean,hmdb51/ep3 std,hmdb51/ep3 n,hmdb51/ep3 std over,ucf101/ep1 mean,ucf101/ep1 std,ucf101/ep1 n,ucf101/ep1 std over')
    expect(csv[1]).toBe('frozen,1 2,,,,,62.0000,2.8284,2,seeds')
  })

  it('say what is missing', () => {
    expect(() => buildPivot(engine.db, ['table9'])).toThrow('no experiment "table9"')
  })
})

describe('export.pivot', () => {
  it('returns the pivot as data, each cell with the runs it pools', async () => {
    const t = await engine.invoke('export.pivot', { experiments: ['table4'] })
    expect(t.columns).toEqual(['hmdb51/ep3', 'ucf101/ep1'])
    const frozen = t.rows.find((r) => r.label === 'frozen')!
    const runs = await engine.invoke('runs.page', { filter: { runIds: frozen.cells['ucf101/ep1']!.runIds }, sort: { key: 'name', dir: 'asc' } })
    expect(runs.rows.map((r) => r.name)).toEqual(['frozen,seed=0', 'frozen,seed=1'])
    await expect(engine.invoke('export.pivot', { experiments: ['nope'] })).rejects.toThrow(/no experiment "nope"/)
  })
})
