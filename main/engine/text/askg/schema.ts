import { z } from 'zod'
import { CLASS_SOURCES, type ClassGraph, type GraphClass, type GraphIssue } from './types'

const text = z.string().trim().min(1, 'must be a non-empty string')
const part = z.string().trim()
/** A triple has three non-empty parts, unless it is a malformed one kept as its `text`. */
const triple = z
  .object({ head: part, relation: part, tail: part, text: text.optional(), form: z.literal('list').optional() })
  .strict()
  .superRefine((t, ctx) => {
    if (t.text !== undefined) return
    for (const k of ['head', 'relation', 'tail'] as const) if (!t[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'must be a non-empty string' })
  })
const clauseList = z.array(text)

export const classGraphSchema = z
  .object({
    label: text,
    objects: z.array(text),
    subActions: z.array(text),
    objectRelations: z.array(triple),
    actionObjectRelations: z.array(triple),
    actionRelations: z.array(triple),
    clauses: z.object({ oo: clauseList, ao: clauseList, aa: clauseList }).strict(),
    xpromptLabel: text.optional(),
    xpromptKey: text.optional(),
  })
  .strict()

const stage = z
  .object({
    messages: z.array(z.object({ role: z.string(), content: z.string() }).strict()),
    temperature: z.number(),
    maxTokens: z.number().int().positive(),
    rawResponses: z.array(z.string()),
    cached: z.boolean(),
  })
  .strict()

export const provenanceSchema = z
  .object({
    source: z.enum(CLASS_SOURCES),
    createdAt: z.string().min(1),
    endpoint: z.string().optional(),
    model: z.string().optional(),
    stages: z.object({ graph: stage.optional(), clauses: stage.optional() }).strict().optional(),
    files: z.array(z.string()).optional(),
    key: z.string().optional(),
    note: z.string().optional(),
    warnings: z.array(z.string()).optional(),
  })
  .strict()

export const graphClassSchema = z
  .object({
    index: z.number().int().nonnegative(),
    name: text,
    key: text,
    graph: classGraphSchema,
    provenance: provenanceSchema,
  })
  .strict()

/** The camelCase field → the authors' field name, so issues speak the file's language. */
const AUTHORS_FIELD: Record<string, string> = {
  label: 'label',
  objects: 'obj_en_li',
  subActions: 'sub_act_en_li',
  objectRelations: 'obj_rel_triples',
  actionObjectRelations: 'act_obj_triples',
  actionRelations: 'act_rel_triples',
  oo: 'xprompt_oo',
  ao: 'xprompt_ao',
  aa: 'xprompt_aa',
}

function fieldName(path: readonly PropertyKey[]): string {
  const parts = path.map(String).filter((p) => p !== 'clauses' && p !== 'graph')
  return parts.map((p) => AUTHORS_FIELD[p] ?? p).join('.') || '(class)'
}

function zodIssues(className: string, error: z.ZodError): GraphIssue[] {
  return error.issues.map((i) => ({
    className,
    field: fieldName(i.path),
    message: i.message,
    fix: i.code === 'unrecognized_keys' ? `remove ${i.keys.join(', ')}` : 'correct the value in the file or the editor',
  }))
}

/** Checks the shape of a class sub-graph (any source). Returns the cleaned value (strings trimmed) or the issues. */
export function checkClassGraph(className: string, value: unknown): { graph: ClassGraph } | { issues: GraphIssue[] } {
  const r = classGraphSchema.safeParse(value)
  return r.success ? { graph: r.data } : { issues: zodIssues(className, r.error) }
}

/** Checks a whole class (index, name, key, graph, provenance), e.g. from a JSON export. */
export function checkGraphClass(value: unknown): { cls: GraphClass } | { issues: GraphIssue[] } {
  const name = typeof (value as { name?: unknown })?.name === 'string' ? (value as { name: string }).name : '(unnamed)'
  const r = graphClassSchema.safeParse(value)
  return r.success ? { cls: r.data as GraphClass } : { issues: zodIssues(name, r.error) }
}
