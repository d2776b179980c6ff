import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../main/cli/run-cli'
import { Engine } from '../../../main/engine/engine'
import { cliContext } from '../../helpers/cli-context'
import { tempDir } from '../../helpers/temp-dir'
import { addRun, TARGET } from '../engine/export/table-fixtures'

let dir: ReturnType<typeof tempDir>
const ids: number[] = []

beforeAll(async () => {
  dir = tempDir()
  const engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  const exp = (await engine.invoke('experiments.create', { name: 'table4-adaptation' })).id
  const frozen = { model: { adaptation: { mode: 'frozen' }, stca: { enabled: false } } }
  ids.push(addRun(engine, exp, { name: 'frozen-clip,seed=0', seed: 0, config: frozen, top1: [1, 0, 0, 0] }))
  ids.push(addRun(engine, exp, { name: 'full,seed=0', seed: 0, top1: [1, 1, 1, 0] }))
  engine.close()
})
afterAll(() => dir.remove())

const exportJson = async (...extra: string[]) => {
  const { ctx, out, err } = cliContext()
  const code = await runCli(['export', '--group', 'table4-adaptation', '--format', 'json', ...extra, '--data-dir', dir.path], ctx)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('stdd export --format json', () => {
  it('prints group, rows with label, values of the differing config keys, runs, cells and delta', async () => {
    const { code, out } = await exportJson()
    expect(code).toBe(0)
    const table = JSON.parse(out) as { group: string; baseline: string; rows: Record<string, unknown>[] }
    expect(table.group).toBe('table4-adaptation')
    expect(table.baseline).toBe('frozen-clip')
    const [frozen, full] = table.rows as { label: string; values: Record<string, unknown>; runs: number[]; cells: Record<string, Record<string, { mean: number; std: number | null; n: number; ci95: [number, number] }>>; delta: Record<string, Record<string, { mean: number; ci95: [number, number] }>> }[]
    expect(frozen!.label).toBe('frozen-clip')
    expect(frozen!.values).toEqual({ 'model.adaptation.mode': 'frozen', 'model.stca.enabled': false })
    expect(full!.values).toEqual({ 'model.adaptation.mode': 'full', 'model.stca.enabled': true })
    expect(full!.runs).toEqual([ids[1]])
    expect(Object.keys(full!.cells[TARGET]!)).toEqual(['top1', 'top5', 'pair_acc'])
    expect(Object.keys(full!.cells[TARGET]!.top1!)).toEqual(['mean', 'std', 'n', 'ci95'])
    expect(full!.cells[TARGET]!.top1).toMatchObject({ mean: 75, std: null, n: 1 })
    expect(full!.cells[TARGET]!.top1!.ci95).toHaveLength(2)
    expect(frozen!.delta).toEqual({})
    expect(Object.keys(full!.delta[TARGET]!.top1!)).toEqual(['mean', 'std', 'n', 'ci95'])
    expect(full!.delta[TARGET]!.top1!.mean).toBe(50)
  })

  it('takes --baseline, and refuses an unknown format or row', async () => {
    const other = JSON.parse((await exportJson('--baseline', 'full')).out) as { baseline: string; rows: { delta: Record<string, Record<string, { mean: number }>> }[] }
    expect(other.baseline).toBe('full')
    expect(other.rows[0]!.delta[TARGET]!.top1!.mean).toBe(-50)
    expect((await exportJson('--baseline', 'nope')).err).toContain('no row "nope" with results to compare against')
    const { ctx, err } = cliContext()
    expect(await runCli(['export', '--group', 'x', '--format', 'xml', '--data-dir', dir.path], ctx)).toBe(2)
    expect(err.join()).toContain('--format xml: choose csv, md, latex, json')
  })
})
