import { z } from 'zod'
import { PROMPT_SETS } from './vocabulary'

/**
 * Commands of the knowledge-graph editor: graph versions with provenance, one version's classes,
 * saving an edited class (a new version whose parent is the edited one), per-class diffs, the runs
 * that used a version, LLM (re)generation as an engine job with progress and cancel, and the
 * prompt preview of a class. Spread into `commandSchemas`; the events into `eventSchemas`.
 * The API key of an LLM endpoint never crosses this contract: the engine reads it itself.
 */

const id = z.number().int().positive()
const classIndex = z.number().int().min(0)
const text = z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters')
const part = z.string().trim().max(2000)

export const CLASS_SOURCE_NAMES = ['llm', 'human', 'import', 'built-in'] as const

/**
 * `<head, relation, tail>`; a malformed triple kept from a file has `text` and possibly empty parts;
 * `form: 'list'` marks one its file wrote as a YAML list `[head, relation, tail]` (exported so again).
 */
export const GraphTriple = z
  .object({ head: part, relation: part, tail: part, text: text.optional(), form: z.literal('list').optional() })
  .strict()
  .superRefine((t, ctx) => {
    if (t.text !== undefined) return
    for (const k of ['head', 'relation', 'tail'] as const) if (!t[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'must not be empty (a triple has a head, a relation and a tail)' })
  })
export type GraphTriple = z.infer<typeof GraphTriple>

export const ClassGraphData = z
  .object({
    label: text,
    objects: z.array(text),
    subActions: z.array(text),
    objectRelations: z.array(GraphTriple),
    actionObjectRelations: z.array(GraphTriple),
    actionRelations: z.array(GraphTriple),
    clauses: z.object({ oo: z.array(text), ao: z.array(text), aa: z.array(text) }).strict(),
    xpromptLabel: text.optional(),
    xpromptKey: text.optional(),
  })
  .strict()
export type ClassGraphData = z.infer<typeof ClassGraphData>

export const ClassProvenanceData = z.object({
  source: z.enum(CLASS_SOURCE_NAMES),
  createdAt: z.string(),
  endpoint: z.string().optional(),
  model: z.string().optional(),
  /** The LLM stages as sent and answered (never with the API key). */
  stages: z.unknown().optional(),
  files: z.array(z.string()).optional(),
  key: z.string().optional(),
  note: z.string().optional(),
  warnings: z.array(z.string()).optional(),
})

export const GraphClassData = z.object({
  index: z.number().int(),
  name: z.string(),
  key: z.string(),
  graph: ClassGraphData,
  provenance: ClassProvenanceData,
})
export type GraphClassData = z.infer<typeof GraphClassData>

export const GraphVersionSummaryData = z.object({
  id: z.number().int(),
  name: z.string(),
  dataset: z.string(),
  version: z.number().int(),
  parentId: z.number().int().nullable(),
  note: z.string(),
  createdAt: z.string(),
  classCount: z.number().int(),
})
export type GraphVersionSummaryData = z.infer<typeof GraphVersionSummaryData>

export const GraphVersionInfo = GraphVersionSummaryData.extend({
  sources: z.record(z.string(), z.number().int()),
  models: z.array(z.string()),
  files: z.array(z.string()),
})
export type GraphVersionInfo = z.infer<typeof GraphVersionInfo>

export const GraphAlias = z.object({ alias: z.string(), key: z.string(), source: z.string() })

export const GraphVersionDetail = GraphVersionSummaryData.extend({
  classes: z.array(GraphClassData),
  aliases: z.array(GraphAlias),
})
export type GraphVersionDetail = z.infer<typeof GraphVersionDetail>

export const ClassDiffData = z.object({
  index: z.number().int(),
  name: z.string(),
  status: z.enum(['same', 'changed', 'added', 'removed']),
  changes: z.array(z.object({ field: z.string(), removed: z.array(z.string()), added: z.array(z.string()) })),
})
export type ClassDiffData = z.infer<typeof ClassDiffData>

export const RunUsingGraphData = z.object({
  runId: z.number().int(),
  runName: z.string(),
  experimentName: z.string(),
  status: z.string(),
  createdAt: z.string(),
  promptSetHash: z.string().nullable(),
  promptSetKind: z.string().nullable(),
})
export type RunUsingGraphData = z.infer<typeof RunUsingGraphData>

export const GRAPH_JOB_STATES = ['running', 'done', 'failed', 'cancelled'] as const
export const GraphJob = z.object({
  jobId: z.number().int(),
  state: z.enum(GRAPH_JOB_STATES),
  /** What it generates: a new graph's name, or the version whose classes it regenerates. */
  target: z.string(),
  endpoint: z.string(),
  model: z.string(),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  /** The latest progress line (a class done, a retry, a failure). */
  message: z.string(),
  /** The version written when the job is done. */
  graphId: z.number().int().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
})
export type GraphJob = z.infer<typeof GraphJob>

export const PromptPreviewData = z.object({
  graphId: z.number().int(),
  classIndex: z.number().int(),
  className: z.string(),
  templateStyle: z.enum(['dataset', 'hard']),
  templates: z.array(z.string()),
  sets: z.array(z.object({ kind: z.enum(PROMPT_SETS), label: z.string(), prompts: z.array(z.string()) })),
})
export type PromptPreviewData = z.infer<typeof PromptPreviewData>

const temperature = z.number().min(0, 'a temperature is between 0 and 2').max(2, 'a temperature is between 0 and 2')

const GenerationTargetInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('new'), name: z.string().trim().min(1).max(200).regex(/^[\w.@-]+$/, 'use letters, digits, ".", "_", "@" and "-"'), dataset: z.string().trim().min(1).max(100), classNames: z.array(text).min(1).max(1000) }).strict(),
  z.object({ kind: z.literal('regenerate'), graphId: id, classIndices: z.array(classIndex).min(1, 'choose at least one class').max(1000) }).strict(),
])

export const graphsCommandSchemas = {
  'graphs.list': { input: z.object({ dataset: z.string().optional() }).strict(), output: z.array(GraphVersionInfo) },
  'graphs.get': { input: z.object({ id }).strict(), output: GraphVersionDetail },
  'graphs.saveClass': {
    input: z.object({ parentId: id, index: classIndex, graph: ClassGraphData, name: z.string().trim().max(200).optional(), note: z.string().max(2000).optional() }).strict(),
    output: GraphVersionSummaryData,
  },
  'graphs.diff': { input: z.object({ fromId: id, toId: id }).strict(), output: z.array(ClassDiffData) },
  'graphs.runs': { input: z.object({ id }).strict(), output: z.array(RunUsingGraphData) },
  'graphs.generate': {
    input: z
      .object({
        target: GenerationTargetInput,
        /** An OpenAI-compatible base URL (…/v1). The key comes from the engine's environment or keychain. */
        endpoint: z.string().trim().url('give the endpoint base URL, e.g. http://127.0.0.1:11434/v1'),
        model: z.string().trim().min(1).max(200),
        graphTemperature: temperature.default(0),
        clauseTemperature: temperature.default(0.7),
      })
      .strict(),
    output: GraphJob,
  },
  'graphs.cancelJob': { input: z.object({ jobId: id }).strict(), output: GraphJob },
  'graphs.jobs': { input: z.object({}).strict(), output: z.array(GraphJob) },
  'prompts.preview': {
    input: z
      .object({
        graphId: id,
        classIndex,
        style: z.enum(['dataset', 'hard']).default('dataset'),
        /** The class's graph as being edited (not saved yet): the preview shows what a save would give. */
        graph: ClassGraphData.optional(),
      })
      .strict(),
    output: PromptPreviewData,
  },
} as const

export const graphsEventSchemas = {
  'graphs.changed': GraphVersionSummaryData,
  'graphs.job': GraphJob,
} as const
