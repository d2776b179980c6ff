import { formatIssue, type ClassGraph, type Clauses, type GraphClass, type GraphIssue, type LlmStageRecord } from '../askg/types'
import type { LlmClient } from '../llm/client'
import { LlmError, LlmStopped } from '../llm/types'
import type { GenerationJournal, JournalEntry, JournalSettings } from './journal'
import { generateClassGraph, generateClauses, type StageSettings } from './stages'

/**
 * The paper's two-stage generation for a list of classes: (1) the graph from the class name, (2) one
 * clause per triple. Classes run concurrently (the client limits requests in flight); every finished
 * stage is journaled, so a stopped run resumes per class. Classes that still fail after the repairs
 * are returned as failures — never filled in.
 */

export interface GenerationOptions {
  classes: { index: number; name: string }[]
  client: LlmClient
  model: string
  /** Stage temperatures: 0 and 0.7 in the authors' scripts. */
  graphTemperature?: number
  clauseTemperature?: number
  maxTokens?: number
  maxRepairs?: number
  journal: GenerationJournal
  restart?: boolean
  signal?: AbortSignal
  onProgress?: (e: GenerationProgress) => void
  now?: () => string
}

export type GenerationProgress =
  | { type: 'resumed'; done: number; total: number }
  | { type: 'stage-done'; index: number; name: string; stage: 'graph' | 'clauses'; cached: boolean; repairs: number }
  | { type: 'class-done'; index: number; name: string }
  | { type: 'class-failed'; failure: ClassFailure }

export interface ClassFailure {
  index: number
  name: string
  stage: 'graph' | 'clauses'
  reason: string
  issues: GraphIssue[]
}

export interface GenerationResult {
  classes: GraphClass[]
  failures: ClassFailure[]
  /** Classes not attempted or interrupted because of a stop. */
  pending: { index: number; name: string }[]
  stopped: boolean
}

interface ClassState {
  graph?: { graph: ClassGraph; record: LlmStageRecord; warnings: string[] }
  clauses?: { clauses: Clauses; record: LlmStageRecord; warnings: string[]; at: string }
}

export function journalSettings(o: GenerationOptions): JournalSettings {
  return {
    endpoint: o.client.baseUrl,
    model: o.model,
    graphTemperature: o.graphTemperature ?? 0,
    clauseTemperature: o.clauseTemperature ?? 0.7,
    maxTokens: o.maxTokens ?? 1024,
    classes: o.classes.map((c) => ({ index: c.index, name: c.name })),
  }
}

export async function generateGraphs(o: GenerationOptions): Promise<GenerationResult> {
  const settings = journalSettings(o)
  const names = new Set<string>()
  for (const c of o.classes) {
    if (names.has(c.name)) throw new Error(`class "${c.name}" is listed twice`)
    names.add(c.name)
  }
  const now = o.now ?? (() => new Date().toISOString())
  const state = new Map<number, ClassState>(o.classes.map((c) => [c.index, {}]))
  for (const e of o.journal.open(settings, o.restart)) applyEntry(state, e)
  const done = [...state.values()].filter((s) => s.clauses).length
  if (done > 0) o.onProgress?.({ type: 'resumed', done, total: o.classes.length })

  const stageSettings = (temperature: number): StageSettings => ({ model: o.model, temperature, maxTokens: settings.maxTokens, maxRepairs: o.maxRepairs ?? 2 })
  const failures: ClassFailure[] = []
  const pending: { index: number; name: string }[] = []
  let stopped = false

  const runClass = async (c: { index: number; name: string }): Promise<void> => {
    const s = state.get(c.index)!
    if (s.clauses) return
    let stage: 'graph' | 'clauses' = 'graph'
    try {
      if (o.signal?.aborted) throw new LlmStopped()
      if (!s.graph) {
        const r = await generateClassGraph(o.client, stageSettings(settings.graphTemperature), c.name, o.signal)
        if (!r.ok) return fail(c, 'graph', 'the answer stayed unusable after the repairs', r.issues)
        s.graph = { graph: r.value, record: r.record, warnings: r.warnings.map(formatIssue) }
        o.journal.append({ stage: 'graph', index: c.index, name: c.name, ...s.graph, at: now() })
        o.onProgress?.({ type: 'stage-done', index: c.index, name: c.name, stage: 'graph', cached: r.record.cached, repairs: r.record.rawResponses.length - 1 })
      }
      stage = 'clauses'
      const r = await generateClauses(o.client, stageSettings(settings.clauseTemperature), c.name, s.graph.graph, o.signal)
      if (!r.ok) return fail(c, 'clauses', 'the answer stayed unusable after the repairs', r.issues)
      s.clauses = { clauses: r.value, record: r.record, warnings: r.warnings.map(formatIssue), at: now() }
      o.journal.append({ stage: 'clauses', index: c.index, name: c.name, ...s.clauses })
      o.onProgress?.({ type: 'stage-done', index: c.index, name: c.name, stage: 'clauses', cached: r.record.cached, repairs: r.record.rawResponses.length - 1 })
      o.onProgress?.({ type: 'class-done', index: c.index, name: c.name })
    } catch (err) {
      if (err instanceof LlmStopped) {
        stopped = true
        pending.push(c)
        return
      }
      if (err instanceof LlmError) return fail(c, stage, err.message, [])
      throw err
    }
  }

  const fail = (c: { index: number; name: string }, stage: 'graph' | 'clauses', reason: string, issues: GraphIssue[]): void => {
    const failure = { index: c.index, name: c.name, stage, reason, issues }
    failures.push(failure)
    o.onProgress?.({ type: 'class-failed', failure })
  }

  await Promise.all(o.classes.map(runClass))

  const classes: GraphClass[] = []
  for (const c of o.classes) {
    const s = state.get(c.index)!
    if (!s.graph || !s.clauses) continue
    const warnings = [...s.graph.warnings, ...s.clauses.warnings]
    classes.push({
      index: c.index,
      name: c.name,
      key: c.name.toLowerCase(),
      graph: { ...s.graph.graph, clauses: s.clauses.clauses },
      provenance: {
        source: 'llm',
        createdAt: s.clauses.at,
        endpoint: settings.endpoint,
        model: o.model,
        stages: { graph: s.graph.record, clauses: s.clauses.record },
        ...(warnings.length ? { warnings } : {}),
      },
    })
  }
  const byIndex = (a: { index: number }, b: { index: number }): number => a.index - b.index
  return { classes, failures: failures.sort(byIndex), pending: pending.sort(byIndex), stopped }
}

function applyEntry(state: Map<number, ClassState>, e: JournalEntry): void {
  const s = state.get(e.index)
  if (!s) return
  if (e.stage === 'graph') s.graph = { graph: e.graph, record: e.record, warnings: e.warnings }
  else if (s.graph) s.clauses = { clauses: e.clauses, record: e.record, warnings: e.warnings, at: e.at }
}
