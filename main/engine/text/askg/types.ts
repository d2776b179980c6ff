/**
 * The Action Semantic Knowledge Graph (ASKG) as data: one sub-graph per action class, as in the
 * paper's "Spatiotemporal Text Augmentation" and the authors' `classes_ASKG_<ds>.yml` /
 * `classes_xprompt_<ds>.yml` files (docs/method.md §3.2).
 */

/**
 * A relation triple `<head, relation, tail>`. A triple that cannot be read as three parts (the
 * authors' files have a few such as `<eye, area where eye makeup is applied>`) is kept as written in
 * `text`; its parts are then a best guess (possibly empty) and it is exported exactly as `text`.
 */
export interface Triple {
  head: string
  relation: string
  tail: string
  text?: string
  /**
   * `list` when the source file wrote it as a YAML flow list `[head, relation, tail]` (a few entries of
   * the authors' K400 file do) instead of the text `<head, relation, tail>`; an export writes it back so.
   */
  form?: 'list'
}

/** The three relation families: object–object and action–object are spatial, action–action temporal. */
export const TRIPLE_KINDS = ['oo', 'ao', 'aa'] as const
export type TripleKind = (typeof TRIPLE_KINDS)[number]

/** One clause per triple, completing "This is an example of {class}, …" (the part after the comma). */
export interface Clauses {
  oo: string[]
  ao: string[]
  aa: string[]
}

/** The sub-graph of one class. Field names follow the authors' files, in camelCase. */
export interface ClassGraph {
  /** The `label` field of the authors' files (the action as the LLM saw it, usually lower-cased). */
  label: string
  /** `obj_en_li`: the most relevant objects. */
  objects: string[]
  /** `sub_act_en_li`: the sub-actions, in temporal order. */
  subActions: string[]
  /** `obj_rel_triples`: object–object relations (spatial). */
  objectRelations: Triple[]
  /** `act_obj_triples`: action–object relations (spatial). */
  actionObjectRelations: Triple[]
  /** `act_rel_triples`: action–action relations (temporal: "starts with", "precedes"). */
  actionRelations: Triple[]
  /** `xprompt_oo` / `xprompt_ao` / `xprompt_aa`. May be empty (the authors' HMDB file has empty `xprompt_aa` lists). */
  clauses: Clauses
  /** The xprompt file's `label` where it differs from the ASKG file's (kept so an export gives it back). */
  xpromptLabel?: string
  /** The xprompt file's key where it differs from the ASKG file's (K400's has "passing american football …" for "passing American football …"). */
  xpromptKey?: string
}

export const CLASS_SOURCES = ['llm', 'human', 'import', 'built-in'] as const
export type ClassSource = (typeof CLASS_SOURCES)[number]

/** The request behind one LLM stage, as sent (never with the API key). */
export interface LlmStageRecord {
  messages: { role: string; content: string }[]
  temperature: number
  maxTokens: number
  /** The raw text of every answer, including the rejected ones that led to a repair. */
  rawResponses: string[]
  /** Whether the answer came from the request cache. */
  cached: boolean
}

/** Where a class's sub-graph came from. */
export interface ClassProvenance {
  source: ClassSource
  createdAt: string
  /** llm: the OpenAI-compatible endpoint (base URL) and model. */
  endpoint?: string
  model?: string
  /** llm: the graph-construction and clause-completion stages. */
  stages?: { graph?: LlmStageRecord; clauses?: LlmStageRecord }
  /** import: the file(s) and the top-level key the class had there. */
  files?: string[]
  key?: string
  /** human: a free note on the edit. */
  note?: string
  /** Warnings accepted when the class entered the store (e.g. a clause list shorter than its triples). */
  warnings?: string[]
}

/** One class of a graph version. */
export interface GraphClass {
  index: number
  /** The data set's class name, used in prompts ("Archery", "fall floor"). */
  name: string
  /** The top-level key in the authors' files; may differ from the name ("falling to the floor"). */
  key: string
  graph: ClassGraph
  provenance: ClassProvenance
}

/** A problem found in a class, phrased so a person can fix it. */
export interface GraphIssue {
  /** The file the class came from, when it came from one. */
  file?: string
  /** The class name (or key) the issue is about. */
  className: string
  /** The field, in the authors' naming (`obj_en_li`, `act_rel_triples.2`, …). */
  field: string
  message: string
  /** What to do about it. */
  fix: string
}

export function formatIssue(i: GraphIssue): string {
  return `${i.file ? `${i.file}: ` : ''}class "${i.className}", field ${i.field}: ${i.message} — ${i.fix}`
}

export function emptyClauses(): Clauses {
  return { oo: [], ao: [], aa: [] }
}

/** The triples of one family. */
export function triplesOf(g: ClassGraph, kind: TripleKind): Triple[] {
  return kind === 'oo' ? g.objectRelations : kind === 'ao' ? g.actionObjectRelations : g.actionRelations
}

/** The authors' field names. */
export const TRIPLE_FIELD: Record<TripleKind, string> = { oo: 'obj_rel_triples', ao: 'act_obj_triples', aa: 'act_rel_triples' }
export const CLAUSE_FIELD: Record<TripleKind, string> = { oo: 'xprompt_oo', ao: 'xprompt_ao', aa: 'xprompt_aa' }
