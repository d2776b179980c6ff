import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../../main/engine/engine'
import { buildPivot } from '../../../../main/engine/export/pivot'
import { factorCells, statsNote } from '../../../../main/engine/export/cell-text'
import { tempDir } from '../../../helpers/temp-dir'
import { addRun, TARGET } from './table-fixtures'

let dir: ReturnType<typeof tempDir>
let engine: Engine
let exp: number

const FROZEN = { model: { adaptation: { mode: 'frozen' }, stca: { enabled: false } } }
const cell = (t: ReturnType<typeof buildPivot>, label: string) => t.rows.find((r) => r.label === label)!.cells[TARGET]!

beforeEach(async () => {
  dir = tempDir()
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  exp = (await engine.invoke('experiments.create', { name: 'table4' })).id
})
afterEach(() => {
  engine.close()
  dir.remove()
})

describe('the results table: statistics', () => {
  beforeEach(() => {
    addRun(engine, exp, { name: 'frozen-clip,seed=0', seed: 0, config: FROZEN, top1: [1, 0, 0, 0], pairs: [1, 1, 0, 0] })
    addRun(engine, exp, { name: 'full,seed=0', seed: 0, top1: [1, 1, 0, 0], pairs: [1, 1, 1, 1] })
    addRun(engine, exp, { name: 'full,seed=1', seed: 1, top1: [1, 1, 1, 0], pairs: [1, 1, 1, 1] })
    addRun(engine, exp, { name: 'full,seed=2', seed: 2, top1: [1, 1, 1, 1], pairs: [1, 1, 1, 1] })
  })

  it('pools seeds: mean, sample std and a t interval over seeds where n ≥ 3', () => {
    const t = buildPivot(engine.db, ['table4'])
    expect(t.rows.map((r) => r.label)).toEqual(['frozen-clip', 'full'])
    expect(t.columns).toEqual([{ key: TARGET, metrics: ['top1', 'top5', 'pair_acc'], oneVideoMoves: { top1: 25, top5: 25, pair_acc: 25 } }])
    const full = cell(t, 'full').metrics.top1!
    // 50, 75, 100 → mean 75, std 25, 75 ± 4.303·25/√3 = [12.9, 137.1], clipped to an accuracy's 0…100
    expect(full).toMatchObject({ mean: 75, std: 25, n: 3, ciOver: 'seeds', videos: 4, best: true })
    expect(full.ci95![0]).toBeCloseTo(75 - (4.303 * 25) / Math.sqrt(3), 9)
    expect(full.ci95![1]).toBe(100)
  })

  it('gives one run a bootstrap interval over its test videos', () => {
    const frozen = cell(buildPivot(engine.db, ['table4']), 'frozen-clip').metrics.top1!
    expect(frozen).toMatchObject({ mean: 25, std: null, n: 1, ciOver: 'videos' })
    // Resampling [100, 0, 0, 0]: the mean is a multiple of 25 in [0, 100]; 25 lies inside.
    const [lo, hi] = frozen.ci95!
    expect(lo % 25).toBe(0)
    expect(hi % 25).toBe(0)
    expect(lo).toBe(0)
    expect(hi).toBeGreaterThanOrEqual(50)
  })

  it('takes the frozen CLIP as the baseline and pairs seed by seed (McNemar for one run against one)', () => {
    const t = buildPivot(engine.db, ['table4'])
    expect(t.baseline).toBe('frozen-clip')
    expect(t.rows.find((r) => r.label === 'frozen-clip')!.baseline).toBe(true)
    // Only seed 0 is shared: full seed 0 (50 %) − frozen seed 0 (25 %); discordant 1 : 0 → p = 1.
    expect(cell(t, 'full').delta!.top1).toMatchObject({ mean: 25, std: null, n: 1, p: 1, test: 'McNemar exact', significant: false })
    // Order pairs: 100 − 50; discordant 2 : 0 → p = 2·¼ = 0.5.
    expect(cell(t, 'full').delta!.pair_acc).toMatchObject({ mean: 50, n: 1, p: 0.5, test: 'McNemar exact' })
    expect(cell(t, 'frozen-clip').delta).toBeNull()
  })

  it('uses another baseline when asked, and says which rows there are when it is not one', () => {
    const t = buildPivot(engine.db, ['table4'], 'full')
    expect(t.baseline).toBe('full')
    expect(cell(t, 'frozen-clip').delta!.top1!.mean).toBe(-25)
    expect(() => buildPivot(engine.db, ['table4'], 'nope')).toThrow('no row "nope" with results to compare against; the rows are: "frozen-clip", "full"')
  })

  it('says that one video moves a cell by 25 points', () => {
    expect(buildPivot(engine.db, ['table4']).notes).toContain(`${TARGET}: one test video moves top-1 by 25.0 points (4 videos), top-5 by 25.0 points (4 videos), order pairs by 25.0 points (4 videos).`)
  })
})

describe('the results table: paired significance', () => {
  it('marks a difference McNemar finds (20 videos, 20 : 0 discordant) and pairs pooled seeds with a bootstrap', () => {
    const wrong = Array.from({ length: 20 }, () => 0)
    const right = Array.from({ length: 20 }, () => 1)
    addRun(engine, exp, { name: 'frozen-clip,seed=0', seed: 0, config: FROZEN, top1: wrong })
    addRun(engine, exp, { name: 'full,seed=0', seed: 0, top1: right })
    let d = cell(buildPivot(engine.db, ['table4']), 'full').delta!.top1!
    expect(d).toMatchObject({ mean: 100, test: 'McNemar exact', significant: true })
    expect(d.p).toBeCloseTo(2 * 2 ** -20, 15)
    addRun(engine, exp, { name: 'frozen-clip,seed=1', seed: 1, config: FROZEN, top1: wrong })
    addRun(engine, exp, { name: 'full,seed=1', seed: 1, top1: right.map((v, i) => (i < 5 ? 0 : v)) })
    d = cell(buildPivot(engine.db, ['table4']), 'full').delta!.top1!
    // Seeds 0 and 1 paired: differences 100 and 75 → mean 87.5, std 17.7; every replicate is > 0.
    expect(d).toMatchObject({ mean: 87.5, n: 2, test: 'paired bootstrap over videos', p: 0, significant: true })
    expect(d.std).toBeCloseTo(25 / Math.SQRT2, 9)
    expect(d.ci95![0]).toBeGreaterThan(0)
  })
})

describe('the results table: what a row is', () => {
  it('counts a seed run twice once, as a repeat', () => {
    addRun(engine, exp, { name: 'full,seed=0', seed: 0, top1: [1, 0, 0, 0] })
    addRun(engine, exp, { name: 'full,seed=0 #2', seed: 0, top1: [1, 1, 0, 0] })
    const t = buildPivot(engine.db, ['table4'])
    expect(t.rows).toHaveLength(1)
    expect(t.rows[0]).toMatchObject({ label: 'full', seeds: [0], repeats: 1 })
    expect(cell(t, 'full')).toMatchObject({ seeds: [0], repeats: 1 })
    expect(cell(t, 'full').metrics.top1).toMatchObject({ mean: 37.5, std: null, n: 1, ciOver: 'videos' })
  })

  it('keeps two seed-0 runs on different graph versions apart, named by the version', () => {
    addRun(engine, exp, { name: 'full,seed=0', seed: 0, config: { text: { graph: 'synthmotion-builtin@1' } }, top1: [1, 0, 0, 0], promptSet: 'hash-1' })
    addRun(engine, exp, { name: 'full,seed=0 #2', seed: 0, config: { text: { graph: 'synthmotion-builtin@2' } }, top1: [1, 1, 0, 0], promptSet: 'hash-2' })
    const t = buildPivot(engine.db, ['table4'])
    expect(t.rows.map((r) => [r.label, r.seeds, cell(t, r.label).metrics.top1!.n])).toEqual([
      ['full (Graph=synthmotion-builtin@1)', [0], 1],
      ['full (Graph=synthmotion-builtin@2)', [0], 1],
    ])
    // The graph explains the prompt sets: a factor column for the graph, none for the hash.
    expect(t.factors).toEqual([{ key: 'text.graph', header: 'Graph' }])
    expect(t.rowKeys).toEqual([`promptSetHash.${TARGET}`, 'text.graph'])
  })

  it('compares a row of another world with the baseline of that world, never across worlds (their videos may share names)', () => {
    const world = (seed: number) => ({ synthmotion: { worldSeed: seed } })
    // Each world has its own classes, so its own prompt set.
    addRun(engine, exp, { name: 'frozen-clip,worldSeed=0', seed: 0, config: { ...FROZEN, ...world(0) }, top1: [1, 0, 0, 0], promptSet: 'hash-w0' })
    addRun(engine, exp, { name: 'frozen-clip,worldSeed=1', seed: 0, config: { ...FROZEN, ...world(1) }, top1: [0, 0, 0, 0], promptSet: 'hash-w1' })
    addRun(engine, exp, { name: 'full,worldSeed=0', seed: 0, config: world(0), top1: [1, 1, 0, 0], promptSet: 'hash-w0' })
    addRun(engine, exp, { name: 'full,worldSeed=1', seed: 0, config: world(1), top1: [1, 1, 1, 1], promptSet: 'hash-w1' })
    const t = buildPivot(engine.db, ['table4'])
    expect(t.baseline).toBe('frozen-clip,worldSeed=0')
    expect(t.baselineWithin).toEqual(['synthmotion.worldSeed'])
    expect(t.rows.map((r) => [r.label, r.baseline])).toEqual([
      ['frozen-clip,worldSeed=0', true],
      ['frozen-clip,worldSeed=1', true],
      ['full,worldSeed=0', false],
      ['full,worldSeed=1', false],
    ])
    // 50 − 25 in world 0; 100 − 0 in world 1 (against world 0's frozen CLIP it would read 75).
    expect(cell(t, 'full,worldSeed=0').delta!.top1!.mean).toBe(25)
    expect(cell(t, 'full,worldSeed=1').delta!.top1!.mean).toBe(100)
    expect(cell(t, 'frozen-clip,worldSeed=1').delta).toBeNull()
    expect(statsNote(t)).toContain('or, on other test videos (synthmotion.worldSeed), from the row with its config on those videos')
  })

  it('shows a setting of STCA as "–" on a row with STCA off, where it does nothing', () => {
    addRun(engine, exp, { name: 'full,no-stca', seed: 0, config: { model: { stca: { enabled: false } } }, top1: [1, 0, 0, 0] })
    addRun(engine, exp, { name: 'full,no-wsm', seed: 0, config: { model: { stca: { masking: { enabled: false } } } }, top1: [1, 1, 0, 0] })
    addRun(engine, exp, { name: 'full,wsm', seed: 0, top1: [1, 1, 1, 0] })
    const t = buildPivot(engine.db, ['table4'])
    expect(t.factors.map((f) => f.header)).toEqual(['STCA', 'WSM'])
    expect(t.rows.map((r) => factorCells(t, r))).toEqual([
      ['✗', '–'],
      ['✓', '✗'],
      ['✓', '✓'],
    ])
  })

  it('keeps a run whose config predates a key apart from one that has it, named by its runs', () => {
    const old = addRun(engine, exp, { name: 'full,seed=0', seed: 0, top1: [1, 0, 0, 0] })
    const config = JSON.parse((engine.db.prepare('SELECT config_json FROM runs WHERE id = ?').get(old) as { config_json: string }).config_json) as { train: Record<string, unknown> }
    delete config.train.lr
    engine.db.prepare('UPDATE runs SET config_json = ? WHERE id = ?').run(JSON.stringify(config), old)
    const current = addRun(engine, exp, { name: 'full,seed=0 #2', seed: 0, top1: [1, 1, 0, 0] })
    expect(buildPivot(engine.db, ['table4']).rows.map((r) => r.label)).toEqual([`full (runs ${old})`, `full (runs ${current})`])
  })

  it('keeps runs apart that used different prompts under the same config, with a prompt-set column; Compare shows the hashes', async () => {
    const a = addRun(engine, exp, { name: 'full,seed=0', seed: 0, top1: [1, 0, 0, 0], promptSet: 'aaaaaaaaaaaaaaaa' })
    const b = addRun(engine, exp, { name: 'full,seed=1', seed: 1, top1: [1, 1, 0, 0], promptSet: 'bbbbbbbbbbbbbbbb' })
    const { keys } = await engine.invoke('runs.compare', { ids: [a, b] })
    expect(keys.find((k) => k.key === `promptSetHash.${TARGET}`)).toEqual({ key: `promptSetHash.${TARGET}`, values: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'], differs: true })
    const t = buildPivot(engine.db, ['table4'])
    expect(t.rows).toHaveLength(2)
    expect(t.factors).toEqual([{ key: `promptSetHash.${TARGET}`, header: `Prompt set (${TARGET})` }])
    expect(t.rows.map((r) => r.label)).toEqual([`full (Prompt set (${TARGET})=aaaaaaaaaaaa)`, `full (Prompt set (${TARGET})=bbbbbbbbbbbb)`])
  })

  it('shows failed, cancelled, queued and never-run variants as rows, and a failed repeat on its done row', () => {
    const suite = join(dir.path, 'table4.yaml')
    writeFileSync(
      suite,
      `name: table4\nsweep:\n  variants:\n    - { name: frozen-clip, model: { adaptation: { mode: frozen }, stca: { enabled: false } } }\n    - { name: full }\n    - { name: prompt, model: { adaptation: { mode: prompt } } }\n    - { name: no-wsm, model: { stca: { masking: { enabled: false } } } }\n    - { name: no-stca, model: { stca: { enabled: false } } }\n    - { name: separate, model: { stca: { mixing: { mode: separate } } } }\n`,
    )
    engine.db.prepare('UPDATE experiments SET file_path = ? WHERE id = ?').run(suite, exp)
    addRun(engine, exp, { name: 'frozen-clip', seed: 0, config: FROZEN, top1: [1, 0, 0, 0] })
    const full = addRun(engine, exp, { name: 'full', seed: 0, top1: [1, 1, 0, 0] })
    const fullFailed = addRun(engine, exp, { name: 'full #2', seed: 0, status: 'failed' })
    const prompt = addRun(engine, exp, { name: 'prompt', seed: 0, config: { model: { adaptation: { mode: 'prompt' } } }, status: 'failed' })
    const noWsm = addRun(engine, exp, { name: 'no-wsm', seed: 0, config: { model: { stca: { masking: { enabled: false } } } }, status: 'cancelled' })
    const noStca = addRun(engine, exp, { name: 'no-stca', seed: 0, config: { model: { stca: { enabled: false } } }, status: 'queued' })
    const t = buildPivot(engine.db, ['table4'])
    const byLabel = Object.fromEntries(t.rows.map((r) => [r.label, r]))
    expect(t.rows.map((r) => [r.label, r.status])).toEqual([
      ['frozen-clip', 'done'],
      ['full', 'done'],
      ['prompt', 'failed'],
      ['no-wsm', 'cancelled'],
      ['no-stca', 'queued'],
      ['separate', 'missing'],
    ])
    expect(byLabel.full!.runIds).toEqual([full, fullFailed])
    expect(byLabel.full!.others).toEqual([{ status: 'failed', runIds: [fullFailed], names: [] }])
    expect(byLabel.prompt!.others).toEqual([{ status: 'failed', runIds: [prompt], names: [] }])
    expect(byLabel['no-wsm']!.runIds).toEqual([noWsm])
    expect(byLabel['no-stca']!.runIds).toEqual([noStca])
    expect(byLabel.separate!.others).toEqual([{ status: 'missing', runIds: [], names: ['separate'] }])
    expect(byLabel.prompt!.cells[TARGET]).toBeNull()
    expect(t.factors.map((f) => f.header)).toEqual(['Adaptation', 'STCA', 'WSM', 'MCM'])
  })

  it('says what is missing', () => {
    expect(() => buildPivot(engine.db, ['table9'])).toThrow('no experiment "table9"')
    expect(() => buildPivot(engine.db, ['table4'])).toThrow('the experiment(s) table4 have no runs yet')
  })
})
