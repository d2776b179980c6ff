import { checkClassGraph } from '../askg/schema'
import { checkClauseCounts, checkGeneratedGraph } from '../askg/rules'
import { emptyClauses, type ClassGraph, type Clauses, type GraphIssue, type LlmStageRecord } from '../askg/types'
import { ASKG_FIELDS, XPROMPT_FIELDS } from '../io/authors-fields'
import { askgEntry, xpromptEntry } from '../io/authors-yaml'
import type { LlmClient } from '../llm/client'
import type { ChatMessage } from '../llm/types'
import { clauseMessages, graphMessages, repairMessage } from './prompts'
import { parseAnswer } from './parse-answer'

export interface StageSettings {
  model: string
  temperature: number
  maxTokens: number
  /** Follow-up requests after an unusable answer. */
  maxRepairs: number
}

interface Reading<T> {
  value: T
  issues: GraphIssue[]
  warnings: GraphIssue[]
}

export type StageOutcome<T> =
  | { ok: true; value: T; record: LlmStageRecord; warnings: GraphIssue[] }
  | { ok: false; issues: GraphIssue[]; record: LlmStageRecord }

/**
 * Sends a stage's request and reads the answer; when it is unusable, sends the answer back with the
 * list of problems and asks again, up to `maxRepairs` times. LLM transport errors propagate.
 */
async function runStage<T>(
  client: LlmClient,
  s: StageSettings,
  className: string,
  first: ChatMessage[],
  known: readonly string[],
  read: (fields: Record<string, unknown>) => Reading<T>,
  signal?: AbortSignal,
): Promise<StageOutcome<T>> {
  let messages = first
  const rawResponses: string[] = []
  let cached = true
  for (let attempt = 0; attempt <= s.maxRepairs; attempt++) {
    const res = await client.chat({ model: s.model, messages, temperature: s.temperature, max_tokens: s.maxTokens }, signal)
    rawResponses.push(res.content)
    cached = res.cached
    const record = (): LlmStageRecord => ({ messages, temperature: s.temperature, maxTokens: s.maxTokens, rawResponses: [...rawResponses], cached })
    const parsed = parseAnswer(res.content, known, className)
    const readings = parsed.candidates.map(read)
    const good = readings.find((r) => r.issues.length === 0)
    if (good) return { ok: true, value: good.value, record: record(), warnings: good.warnings }
    const problems = readings[0]?.issues ?? [{ className, field: '(answer)', message: parsed.error, fix: 'answer with the YAML entry only' }]
    if (attempt === s.maxRepairs) return { ok: false, issues: problems, record: record() }
    messages = [...messages, { role: 'assistant', content: res.content }, { role: 'user', content: repairMessage(problems.map((p) => `${p.field}: ${p.message} (${p.fix})`)) }]
  }
  throw new Error('unreachable')
}

/** Stage 1: the class's graph (objects, sub-actions, triples) from its name. */
export function generateClassGraph(client: LlmClient, s: StageSettings, className: string, signal?: AbortSignal): Promise<StageOutcome<ClassGraph>> {
  return runStage(
    client,
    s,
    className,
    graphMessages(className),
    ASKG_FIELDS,
    (fields) => {
      const issues: GraphIssue[] = []
      const e = askgEntry(className, fields, issues)
      const graph: ClassGraph = {
        label: e.label ?? className.toLowerCase(),
        objects: e.objects,
        subActions: e.subActions,
        objectRelations: e.oo,
        actionObjectRelations: e.ao,
        actionRelations: e.aa,
        clauses: emptyClauses(),
      }
      if (issues.length) return { value: graph, issues, warnings: [] }
      const shaped = checkClassGraph(className, graph)
      if ('issues' in shaped) return { value: graph, issues: shaped.issues, warnings: [] }
      const rules = checkGeneratedGraph(className, shaped.graph)
      return { value: shaped.graph, issues: rules.issues, warnings: rules.warnings }
    },
    signal,
  )
}

/** Removes a repeated "This is an example of {label}," (the instruction asks for the part after the comma only). */
export function stripLeadIn(clause: string): { text: string; stripped: boolean } {
  const m = /^\s*this is (?:an example|a video) of [^,]*,\s*/i.exec(clause)
  return m ? { text: clause.slice(m[0].length).trim(), stripped: true } : { text: clause, stripped: false }
}

/** Stage 2: one clause per triple. */
export function generateClauses(client: LlmClient, s: StageSettings, className: string, graph: ClassGraph, signal?: AbortSignal): Promise<StageOutcome<Clauses>> {
  return runStage(
    client,
    s,
    className,
    clauseMessages(graph),
    XPROMPT_FIELDS,
    (fields) => {
      const issues: GraphIssue[] = []
      const warnings: GraphIssue[] = []
      const e = xpromptEntry(className, fields, issues)
      const clauses: Clauses = { oo: e.oo, ao: e.ao, aa: e.aa }
      for (const kind of ['oo', 'ao', 'aa'] as const) {
        clauses[kind] = clauses[kind].map((c) => {
          const r = stripLeadIn(c)
          if (r.stripped) warnings.push({ className, field: `xprompt_${kind}`, message: `"${c}" repeated the lead-in`, fix: 'removed it' })
          return r.text
        })
      }
      issues.push(...checkClauseCounts(className, { ...graph, clauses }))
      const empty = (['oo', 'ao', 'aa'] as const).filter((k) => clauses[k].some((c) => c.trim() === ''))
      for (const k of empty) issues.push({ className, field: `xprompt_${k}`, message: 'has an empty clause', fix: 'write a clause for every triple' })
      return { value: clauses, issues, warnings }
    },
    signal,
  )
}

