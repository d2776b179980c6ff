import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { formatPivot, latexLabel } from '../../../../main/engine/export/formats'
import { buildPivot } from '../../../../main/engine/export/pivot'
import { tempDir } from '../../../helpers/temp-dir'
import { addRun, TARGET } from './table-fixtures'

let dir: ReturnType<typeof tempDir>
let engine: Engine
let runs: Record<string, number>

const FROZEN = { model: { adaptation: { mode: 'frozen' }, stca: { enabled: false } } }
/** One CSV line's fields (quoted fields may hold commas). */
const fields = (line: string): string[] => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'))
const right = (k: number, n = 20) => Array.from({ length: n }, (_, i) => (i < k ? 1 : 0))

beforeAll(async () => {
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  const exp = (await engine.invoke('experiments.create', { name: 'table4_adaptation' })).id
  runs = {
    frozen: addRun(engine, exp, { name: 'frozen-clip', seed: 0, config: FROZEN, top1: right(5), pairs: right(10) }),
    full: addRun(engine, exp, { name: 'full,wsm', seed: 0, top1: right(20), pairs: right(19) }),
    noWsm: addRun(engine, exp, { name: 'full,no-wsm', seed: 0, config: { model: { stca: { masking: { enabled: false } } } }, status: 'failed' }),
  }
})
afterAll(() => {
  engine.close()
  dir.remove()
})

describe('text exports of the results table', () => {
  it('Markdown: factor columns, mean ± std [interval] (n), Δ with its mark, order pairs, a status column and the statistics note', () => {
    const md = formatPivot(buildPivot(engine.db, ['table4_adaptation']), 'md')
    const lines = md.split('\n')
    expect(lines[2]).toBe(`| Adaptation | STCA | WSM | ${TARGET} top-1 | Δ | ${TARGET} order pairs | Δ | Status |`)
    expect(lines[4]).toMatch(/^\| frozen \| ✗ \| – \| 25\.0 \[\d+\.\d, \d+\.\d\] \(n=1\) \| baseline \| 50\.0 \[\d+\.\d, \d+\.\d\] \(n=1\) \| baseline \| done \|$/)
    // 20 : 0 discordant on top-1 (McNemar p = 2·2⁻¹⁵ … significant); 9 : 0 on the pairs.
    expect(lines[5]).toMatch(/^\| full \| ✓ \| ✓ \| \*\*100\.0 \[100\.0, 100\.0\] \(n=1\)\*\* \| \+75\.0\* \| \*\*95\.0 \[\d+\.\d, 100\.0\] \(n=1\)\*\* \| \+45\.0\* \| done \|$/)
    expect(lines[6]).toBe(`| full | ✓ | ✗ | – | – | – | – | failed (run ${runs.noWsm}) |`)
    expect(md).toContain('Δ: difference from the baseline row "frozen-clip", paired seed by seed on the same test videos; * p < 0.05')
    expect(md).toContain('a Student-t interval over seeds where n ≥ 3 (clipped to 0–100), else a percentile bootstrap over the test videos')
    expect(md).toContain(`${TARGET}: one test video moves top-1 by 5.0 points (20 videos)`)
  })

  it('LaTeX: booktabs, the deltas, and a \\label named after the group', () => {
    const tex = formatPivot(buildPivot(engine.db, ['table4_adaptation']), 'latex')
    expect(tex).toContain('\\begin{tabular}{lllcccc c}'.replace(' ', ''))
    expect(tex).toContain('Adaptation & STCA & WSM & synthmotion/unseen top-1 & Δ & synthmotion/unseen order pairs & Δ & Status \\\\')
    expect(tex).toMatch(/full & ✓ & ✓ & \\textbf\{100\.0\} \{\\scriptsize \[100\.0, 100\.0\]\} & \+75\.0\* &/)
    expect(tex).toContain('\\label{tab:table4-adaptation}')
    expect(tex).toContain('\\caption{table4\\_adaptation. ')
    expect(latexLabel('Table 3: text sets')).toBe('tab:table-3-text-sets')
  })

  it('CSV: every statistic in its own column, the factor keys dotted', () => {
    const csv = formatPivot(buildPivot(engine.db, ['table4_adaptation']), 'csv').split('\n')
    const header = fields(csv[0]!)
    expect(header.slice(0, 7)).toEqual(['model.adaptation.mode', 'model.stca.enabled', 'model.stca.masking.enabled', 'row', 'status', 'runs', 'seeds'])
    expect(header).toContain(`${TARGET} top1 ci95 lo`)
    expect(header).toContain(`${TARGET} pair_acc p`)
    const full = Object.fromEntries(header.map((h, i) => [h, fields(csv[2]!)[i]]))
    expect(full).toMatchObject({ row: 'full,wsm', [`${TARGET} top1 mean`]: '100.0000', [`${TARGET} top1 delta`]: '75.0000', [`${TARGET} top1 test`]: 'McNemar exact', [`${TARGET} top1 ci over`]: 'videos' })
    expect(Number(full[`${TARGET} top1 p`])).toBeCloseTo(2 * 2 ** -15, 6)
  })
})
