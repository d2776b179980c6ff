import { ContractError, METRIC_NAMES, PROMPT_SET_KEY, PIVOT_METRICS as METRICS, type PivotMetric as Metric, type MetricDelta, type MetricStat, type PivotCell as Cell, type PivotColumn, type PivotRow, type PivotTableData } from '../../../contract'
import { flatten } from '../experiments/diff'
import { loadExperimentFile } from '../experiments/resolve'
import type { Db } from '../store/db'
import { findExperiment, getExperiment } from '../store/experiments'
import { experimentRunConfigs } from '../store/runs'
import { promptSetHashes, runPromptSets } from '../store/run-prompt-sets'
import { cellStat, deltaStat, seedOutcomes, type SeedOutcomes } from './cells'
import { factorHeader, shownFactors } from './factors'
import { runOutcomes } from './outcomes'
import { configurationOf, differingKeys, groupRows, type TableRow, type TableRun } from './rows'

/**
 * A results table (rows.ts: what a row is; cells.ts: the statistics): a row per configuration with
 * its seeds pooled, a column per evaluation target (`<dataset>/<split>`), per cell top-1, top-5 and on
 * SynthMotion the order-only pair accuracy, each as mean, std over seeds, n, and a 95 % interval, and
 * the paired difference from a baseline row with its significance.
 */

export type { PivotTableData as PivotTable } from '../../../contract'

const configValues = (config: unknown): Record<string, unknown> => configurationOf(flatten(config))

/** The suite file's variants that have no run yet (by name), or a note why the file could not be read. */
function missingVariants(db: Db, experimentId: number, runNames: Set<string>, notes: string[]): TableRun[] {
  const { name, filePath } = getExperiment(db, experimentId)
  if (!filePath) return []
  try {
    return loadExperimentFile(filePath)
      .runs.filter((r) => !runNames.has(r.name))
      .map((r) => {
        const values = configValues(r.config)
        // Not pinned yet: the version it would use is decided when it is queued.
        if (!/@\d+$|^#\d+$/.test(r.config.text.graph)) delete values['text.graph']
        return { id: null, name: r.name, status: 'missing' as const, seed: r.config.seed, values }
      })
  } catch (err) {
    notes.push(`${name}: the suite file ${filePath} could not be read, so variants never run are not listed (${(err as Error).message.split('\n')[0]})`)
    return []
  }
}

function loadRuns(db: Db, experiments: readonly string[], notes: string[]): TableRun[] {
  const runs: TableRun[] = []
  for (const key of experiments) {
    const exp = findExperiment(db, key)
    if (!exp) throw new ContractError('not_found', `no experiment "${key}"; "stdd runs list" shows the experiments`)
    const rows = experimentRunConfigs(db, exp.id)
    const prompts = promptSetHashes(db, rows.filter((r) => r.status === 'done').map((r) => r.id))
    for (const r of rows) {
      const values = configValues(r.config)
      if (r.status === 'done') Object.assign(values, prompts.get(r.id))
      runs.push({ id: r.id, name: r.name, status: r.status, seed: r.seed, values })
    }
    runs.push(...missingVariants(db, exp.id, new Set(rows.map((r) => r.name.replace(/ #\d+$/, ''))), notes))
  }
  if (runs.length === 0) throw new ContractError('not_found', `the experiment(s) ${experiments.join(', ')} have no runs yet`)
  return runs
}

/** The baseline: the row asked for, else the frozen CLIP's row, else the first row with results. */
function pickBaseline(rows: readonly PivotRow[], asked: string | undefined): PivotRow | null {
  const done = rows.filter((r) => r.status === 'done')
  if (asked !== undefined) {
    const row = done.find((r) => r.label === asked)
    if (!row) throw new ContractError('invalid_input', `no row "${asked}" with results to compare against; the rows are: ${done.map((r) => `"${r.label}"`).join(', ')}`)
    return row
  }
  if (done.length < 2) return null
  return done.find((r) => r.values['model.adaptation.mode'] === 'frozen') ?? done[0]!
}

type Outcomes = ReturnType<typeof runOutcomes>

/** A row's cells, and per column and metric its outcomes by seed (what its differences pair). */
function rowCells(g: TableRow, columns: readonly PivotColumn[], outcomes: Outcomes): { cells: Record<string, Cell | null>; bySeed: Map<string, SeedOutcomes> } {
  const cells: Record<string, Cell | null> = {}
  const bySeed = new Map<string, SeedOutcomes>()
  for (const col of columns) {
    const metrics: Partial<Record<Metric, MetricStat>> = {}
    const cellRuns = new Set<number>()
    const seeds = new Set<number>()
    for (const m of col.metrics) {
      const outcomesBySeed = seedOutcomes(g.seeds, outcomes, col.key, m)
      if (outcomesBySeed.size === 0) continue
      bySeed.set(`${col.key} ${m}`, outcomesBySeed)
      metrics[m] = cellStat(outcomesBySeed)
      for (const s of outcomesBySeed.keys()) {
        seeds.add(s)
        for (const id of g.seeds.get(s)!) if (outcomes.get(id)!.has(col.key)) cellRuns.add(id)
      }
    }
    cells[col.key] = seeds.size ? { metrics, delta: null, runIds: [...cellRuns].sort((a, b) => a - b), seeds: [...seeds].sort((a, b) => a - b), repeats: cellRuns.size - seeds.size } : null
  }
  return { cells, bySeed }
}

/**
 * Keys that change the test videos themselves (another SynthMotion world, another evaluation): a paired
 * difference exists only between rows that agree on them — two worlds can even share a video's name.
 */
const TEST_SET_KEY = /^(synthmotion|eval)(\.|$)/

/** Prompt-set hashes follow the test set's classes (and the config): neither what pairs rows nor what sets them apart here. */
const isPromptSetKey = (k: string): boolean => k.startsWith(PROMPT_SET_KEY)

const sameValues = (a: PivotRow, b: PivotRow, keys: readonly string[]): boolean => keys.every((k) => JSON.stringify(a.values[k]) === JSON.stringify(b.values[k]))

/**
 * The row each row is compared with: the baseline where both have the same test videos, else the row
 * with the baseline's config on the row's own test videos (the frozen CLIP of the same world), else none.
 */
function counterparts(rows: readonly PivotRow[], base: PivotRow, rowKeys: readonly string[]): (PivotRow | null)[] {
  const testKeys = rowKeys.filter((k) => TEST_SET_KEY.test(k))
  const configKeys = rowKeys.filter((k) => !TEST_SET_KEY.test(k) && !isPromptSetKey(k))
  return rows.map((row) => (sameValues(row, base, testKeys) ? base : (rows.find((r) => r.status === 'done' && sameValues(r, row, testKeys) && sameValues(r, base, configKeys)) ?? null)))
}

/** Each row's paired differences from its baseline row (`counterpart`), cell by cell; the counterparts are marked as baselines. */
function addDeltas(rows: readonly PivotRow[], bySeed: readonly Map<string, SeedOutcomes>[], counterpart: readonly (PivotRow | null)[], columns: readonly PivotColumn[]): void {
  for (const base of counterpart) if (base) base.baseline = true
  rows.forEach((row, i) => {
    const base = counterpart[i]
    if (!base || row === base) return
    const theirs = bySeed[rows.indexOf(base)]!
    for (const col of columns) {
      const cell = row.cells[col.key]
      if (!cell || !base.cells[col.key]) continue
      const delta: Partial<Record<Metric, MetricDelta>> = {}
      for (const m of col.metrics) {
        const a = bySeed[i]!.get(`${col.key} ${m}`)
        const b = theirs.get(`${col.key} ${m}`)
        if (a && b) delta[m] = deltaStat(a, b)
      }
      cell.delta = delta
    }
  })
}

/** Marks each column's best mean per metric, and notes where one test video moves a cell by a point or more. */
function finishColumns(columns: PivotColumn[], rows: readonly PivotRow[], notes: string[]): void {
  for (const col of columns) {
    for (const m of col.metrics) {
      const stats = rows.flatMap((r) => (r.cells[col.key]?.metrics[m] ? [r.cells[col.key]!.metrics[m]!] : []))
      const best = Math.max(...stats.map((s) => s.mean))
      for (const s of stats) s.best = s.mean === best
      const videos = Math.min(...stats.map((s) => s.videos ?? Infinity))
      if (Number.isFinite(videos) && 100 / videos >= 1) col.oneVideoMoves[m] = 100 / videos
    }
    const moves = Object.entries(col.oneVideoMoves).map(([m, pts]) => `${METRIC_NAMES[m as Metric]} by ${pts.toFixed(1)} points (${Math.round(100 / pts)} videos)`)
    if (moves.length) notes.push(`${col.key}: one test video moves ${moves.join(', ')}.`)
  }
}

/** The prompt sets the finished runs used, each with the runs citing it. */
function citedPromptSets(db: Db, runIds: readonly number[]): PivotTableData['promptSets'] {
  const promptSets = new Map<string, { hash: string; kind: string; runs: number[] }>()
  for (const p of runPromptSets(db, runIds)) {
    const entry = promptSets.get(p.hash) ?? { hash: p.hash, kind: p.kind, runs: [] }
    if (!entry.runs.includes(p.runId)) entry.runs.push(p.runId)
    promptSets.set(p.hash, entry)
  }
  return [...promptSets.values()]
}

/** Builds the table over the runs of the named experiments (names or ids); `baseline` is a row label. */
export function buildPivot(db: Db, experiments: readonly string[], baseline?: string): PivotTableData {
  const notes: string[] = []
  const runs = loadRuns(db, experiments, notes)
  const grouped = groupRows(runs)
  const rowKeys = differingKeys(grouped)
  const doneIds = runs.filter((r) => r.status === 'done').map((r) => r.id!)
  const outcomes = runOutcomes(db, doneIds)
  const columnKeys = [...new Set([...outcomes.values()].flatMap((m) => [...m.keys()]))].sort()
  const columns: PivotColumn[] = columnKeys.map((key) => ({ key, metrics: METRICS.filter((m) => doneIds.some((id) => outcomes.get(id)!.get(key)?.[m])), oneVideoMoves: {} }))

  const built = grouped.map((g) => ({ g, ...rowCells(g, columns, outcomes) }))
  const rows: PivotRow[] = built.map(({ g, cells }) => {
    const seeds = [...g.seeds.keys()].sort((a, b) => a - b)
    const doneRuns = [...g.seeds.values()].flat()
    const runIds = [...doneRuns, ...g.others.flatMap((o) => o.runIds)].sort((a, b) => a - b)
    const values = Object.fromEntries(rowKeys.filter((k) => k in g.values).map((k) => [k, g.values[k]]))
    return { label: g.label, status: g.status, baseline: false, values, runIds, seeds, repeats: doneRuns.length - seeds.length, others: g.others, cells }
  })
  const base = pickBaseline(rows, baseline)
  if (base) addDeltas(rows, built.map((b) => b.bySeed), counterparts(rows, base, rowKeys), columns)
  finishColumns(columns, rows, notes)
  const factors = shownFactors(rowKeys, rows).map((key) => ({ key, header: factorHeader(key) }))
  const baselineWithin = base ? rowKeys.filter((k) => TEST_SET_KEY.test(k)) : []
  return { title: experiments.join(' + '), baseline: base?.label ?? null, baselineWithin, rowKeys, factors, columns, rows, promptSets: citedPromptSets(db, doneIds), notes }
}
