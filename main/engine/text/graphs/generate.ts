import { join } from 'node:path'
import { ContractError } from '../../../../contract'
import type { Db } from '../../store/db'
import { addGraphVersion, createGraph, editGraphClasses, getGraph, type GraphVersionSummary } from '../../store/knowledge-graphs'
import type { GraphClass } from '../askg/types'
import { FileJournal } from '../generation/journal'
import { generateGraphs, type GenerationProgress, type GenerationResult } from '../generation/pipeline'
import type { BoundApiKey } from '../llm/api-key'
import { FileLlmCache } from '../llm/cache'
import { LlmClient } from '../llm/client'
import type { LlmEvent } from '../llm/types'
import { latestVersionOf } from './library'

/**
 * LLM generation into the store, shared by `stdd askg generate` and the GUI's generation jobs:
 * either a new graph (or a new version of a named one) from class names, or a regeneration of some
 * classes of a version (a new version whose parent is that one). The API key is passed in by the
 * caller from the environment or the keychain; it is never stored, logged or returned.
 */

export interface LlmSettings {
  endpoint: string
  model: string
  graphTemperature?: number
  clauseTemperature?: number
  maxTokens?: number
  maxRepairs?: number
  timeoutMs?: number
  maxRetries?: number
  concurrency?: number
  /** Answer repeated requests from the cache in the data folder (default true). */
  cache?: boolean
}

export type GenerationTarget =
  | { kind: 'new'; name: string; dataset: string; classNames: string[] }
  | { kind: 'regenerate'; graphId: number; classIndices: number[] }

export interface GenerationRun {
  dataDir: string
  target: GenerationTarget
  llm: LlmSettings
  /** The API key with the endpoint it is bound to (sent to that endpoint only). */
  apiKey: BoundApiKey | null
  /** Store the classes that succeeded even when others failed (their names go into the note). */
  allowPartial?: boolean
  /** Discard an unfinished journal of this target instead of resuming it. */
  restart?: boolean
  signal?: AbortSignal
  onProgress?: (e: GenerationProgress) => void
  onLlmEvent?: (e: LlmEvent) => void
}

export interface GenerationOutcome {
  result: GenerationResult
  /** The version written, or null (stopped, or failures without allowPartial). */
  graph: GraphVersionSummary | null
  journalPath: string
}

function safeName(s: string): string {
  return s.replace(/[^\w.@-]+/g, '_')
}

function targetClasses(db: Db, t: GenerationTarget): { classes: { index: number; name: string }[]; journalName: string; old?: Map<number, GraphClass> } {
  if (t.kind === 'new') {
    if (t.classNames.length === 0) throw new ContractError('invalid_input', 'give at least one class name to generate')
    return { classes: t.classNames.map((name, index) => ({ index, name })), journalName: t.name }
  }
  const g = getGraph(db, t.graphId)
  const old = new Map(g.classes.map((c) => [c.index, c]))
  const missing = t.classIndices.filter((i) => !old.has(i))
  if (t.classIndices.length === 0) throw new ContractError('invalid_input', 'choose the classes to regenerate')
  if (missing.length) throw new ContractError('not_found', `class(es) ${missing.join(', ')} are not in ${g.name}@${g.version}`)
  return { classes: t.classIndices.map((i) => ({ index: i, name: old.get(i)!.name })), journalName: `${g.name}@${g.version}-regenerate`, old }
}

export function llmClientFor(dataDir: string, llm: LlmSettings, apiKey: BoundApiKey | null, onEvent?: (e: LlmEvent) => void): LlmClient {
  return new LlmClient({
    baseUrl: llm.endpoint,
    apiKey,
    timeoutMs: llm.timeoutMs ?? 60_000,
    maxRetries: llm.maxRetries ?? 5,
    concurrency: llm.concurrency ?? 4,
    cache: llm.cache === false ? null : new FileLlmCache(join(dataDir, 'askg', 'llm-cache')),
    ...(onEvent ? { onEvent } : {}),
  })
}

export async function generateIntoStore(db: Db, r: GenerationRun): Promise<GenerationOutcome> {
  const { classes, journalName, old } = targetClasses(db, r.target)
  let client: LlmClient
  try {
    client = llmClientFor(r.dataDir, r.llm, r.apiKey, r.onLlmEvent)
  } catch (err) {
    throw new ContractError('invalid_input', (err as Error).message)
  }
  const journal = new FileJournal(join(r.dataDir, 'askg', 'generations', `${safeName(journalName)}.jsonl`))
  const result = await generateGraphs({
    classes,
    client,
    model: r.llm.model,
    graphTemperature: r.llm.graphTemperature ?? 0,
    clauseTemperature: r.llm.clauseTemperature ?? 0.7,
    maxTokens: r.llm.maxTokens ?? 1024,
    maxRepairs: r.llm.maxRepairs ?? 2,
    journal,
    restart: !!r.restart,
    ...(r.signal ? { signal: r.signal } : {}),
    ...(r.onProgress ? { onProgress: r.onProgress } : {}),
  })
  const outcome = { result, graph: null, journalPath: journal.path }
  if (result.stopped || result.classes.length === 0 || (result.failures.length && !r.allowPartial)) return outcome
  const note = `generated with ${r.llm.model} at ${client.baseUrl}${result.failures.length ? `; missing classes: ${result.failures.map((f) => f.name).join(', ')}` : ''}`
  let graph: GraphVersionSummary
  if (r.target.kind === 'regenerate') {
    const edits = result.classes.map((c) => {
      const before = old!.get(c.index)!
      return { index: c.index, name: before.name, key: before.key, graph: c.graph, provenance: c.provenance }
    })
    graph = editGraphClasses(db, r.target.graphId, edits, `regenerated ${edits.map((e) => `"${e.name}"`).join(', ')} with ${r.llm.model}`)
  } else {
    const latest = latestVersionOf(db, r.target.name)
    if (latest && latest.dataset !== r.target.dataset) throw new ContractError('conflict', `graph "${r.target.name}" is for ${latest.dataset}, not ${r.target.dataset}; choose another name`)
    graph = latest ? addGraphVersion(db, latest.id, { classes: result.classes, note }) : createGraph(db, { name: r.target.name, dataset: r.target.dataset, note, classes: result.classes })
  }
  journal.remove()
  return { ...outcome, graph }
}
