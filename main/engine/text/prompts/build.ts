import type { PromptSetKind } from '../../../../contract/vocabulary'
import type { GraphClass, TripleKind } from '../askg/types'
import { canonicalJson, sha256Hex } from './hash'
import { HARD_TEMPLATE, datasetTemplates, fillTemplate } from './templates'

/**
 * Prompt sets from a graph version (docs/method.md §3.3):
 *   c  = [C]           the class prompt only
 *   s  = [S]           [C] + object–object + action–object clauses
 *   t  = [T]           [C] + action–action clauses (the released code's 'xaa')
 *   st = [S]+[T]       [C] + all three ('xmix', what the training features use)
 * For every template, [C] is `tpl.format(c)` and a clause prompt `tpl.format(c + ", " + clause)`.
 * Unlike the released code's `list(set(...))`, the order is fixed: [C], oo, ao, aa, first
 * occurrence kept, so the same graph always gives the same prompts and hash.
 */

export const TEMPLATE_STYLES = ['dataset', 'hard', 'custom'] as const
export type TemplateStyle = (typeof TEMPLATE_STYLES)[number]

const KIND_CLAUSES: Record<PromptSetKind, TripleKind[]> = { c: [], s: ['oo', 'ao'], t: ['aa'], st: ['oo', 'ao', 'aa'] }

export interface PromptSetOptions {
  kind: PromptSetKind
  style: TemplateStyle
  /** `dataset` style: whose templates (ucf101, hmdb51, k400, k600, synthmotion). */
  dataset?: string
  /** `custom` style: the templates, each with one `{}`. */
  templates?: string[]
  /** Remove repeated prompts within a class (default true; the released code does so for [S]+[T]). */
  dedupe?: boolean
  /** Cycle each class's list to the longest class's length, as `expand_cls_text` does (default true). */
  pad?: boolean
}

export interface PromptSetClass {
  index: number
  name: string
  /** Distinct prompts per template before padding. */
  unique: number
  /** Prompts per template after padding (the same for every class when padded). */
  perTemplate: number
  /** All prompts, template-major: template 0's list, then template 1's, … */
  prompts: string[]
}

export interface PromptSet {
  kind: PromptSetKind
  templateStyle: TemplateStyle
  templates: string[]
  dedupe: boolean
  pad: boolean
  classes: PromptSetClass[]
  /** sha256 of everything above: identifies the prompt set wherever it is built. */
  hash: string
}

export function resolveTemplates(o: PromptSetOptions): string[] {
  if (o.style === 'hard') return [HARD_TEMPLATE]
  if (o.style === 'custom') {
    if (!o.templates?.length) throw new Error('the custom template style needs at least one template with "{}"')
    return [...o.templates]
  }
  if (!o.dataset) throw new Error('the dataset template style needs the data set name')
  return [...datasetTemplates(o.dataset)]
}

function uniqueInOrder(items: string[]): string[] {
  return [...new Set(items)]
}

/** `expand_cls_text`: sublist + [sublist[i % len] for i in range(M - len)]. */
export function padCyclic(list: string[], size: number): string[] {
  if (list.length === 0) throw new Error('cannot pad an empty prompt list')
  const out = [...list]
  for (let i = 0; out.length < size; i++) out.push(list[i % list.length]!)
  return out
}

export function buildPromptSet(classes: GraphClass[], o: PromptSetOptions): PromptSet {
  if (classes.length === 0) throw new Error('the graph has no classes')
  const templates = resolveTemplates(o)
  for (const t of templates) fillTemplate(t, '') // validates the placeholder
  const dedupe = o.dedupe ?? true
  const pad = o.pad ?? true
  const sorted = [...classes].sort((a, b) => a.index - b.index)
  const lists = sorted.map((c) =>
    templates.map((tpl) => {
      const clauses = KIND_CLAUSES[o.kind].flatMap((k) => c.graph.clauses[k])
      const list = [fillTemplate(tpl, c.name), ...clauses.map((clause) => fillTemplate(tpl, `${c.name}, ${clause}`))]
      return dedupe ? uniqueInOrder(list) : list
    }),
  )
  const longest = Math.max(...lists.flat().map((l) => l.length))
  const out: PromptSetClass[] = sorted.map((c, k) => {
    const perTpl = lists[k]!
    const unique = perTpl[0]!.length
    const blocks = pad ? perTpl.map((l) => padCyclic(l, longest)) : perTpl
    return { index: c.index, name: c.name, unique, perTemplate: blocks[0]!.length, prompts: blocks.flat() }
  })
  const body = { kind: o.kind, templateStyle: o.style, templates, dedupe, pad, classes: out }
  return { ...body, hash: sha256Hex(canonicalJson(body)) }
}
