import type { Db } from '../../store/db'
import { getGraph, getGraphClass } from '../../store/knowledge-graphs'
import { PROMPT_SET_LABELS, PROMPT_SETS, type PromptSetKind } from '../../../../contract/vocabulary'
import { buildPromptSet } from '../prompts/build'
import { ContractError } from '../../../../contract'
import { checkClassGraph } from '../askg/schema'
import { formatIssue } from '../askg/types'

/** What a version's class gives each prompt set. */

export interface PromptPreview {
  graphId: number
  classIndex: number
  className: string
  templateStyle: 'dataset' | 'hard'
  templates: string[]
  sets: { kind: PromptSetKind; label: string; prompts: string[] }[]
}

/** An unsaved edit of a class's graph, checked as a save would check it. */
function editedGraph(className: string, graph: unknown) {
  const checked = checkClassGraph(className, graph)
  if ('issues' in checked) throw new ContractError('invalid_input', `class "${className}" as edited: ${checked.issues.map(formatIssue).join('; ')}`)
  return checked.graph
}

/** The [C], [S], [T] and [S]+[T] prompts of one class (as stored, or as edited), de-duplicated and not padded. */
export function previewPrompts(db: Db, r: { graphId: number; classIndex: number; style?: 'dataset' | 'hard'; graph?: unknown }): PromptPreview {
  const g = getGraph(db, r.graphId)
  const stored = getGraphClass(db, r.graphId, r.classIndex)
  const c = r.graph === undefined ? stored : { ...stored, graph: editedGraph(stored.name, r.graph) }
  const style = r.style ?? 'dataset'
  const build = (kind: PromptSetKind) => buildPromptSet([c], { kind, style, dataset: g.dataset, pad: false })
  const sets = PROMPT_SETS.map((kind) => ({ kind, label: PROMPT_SET_LABELS[kind], prompts: build(kind).classes[0]!.prompts }))
  return { graphId: g.id, classIndex: c.index, className: c.name, templateStyle: style, templates: build('c').templates, sets }
}
