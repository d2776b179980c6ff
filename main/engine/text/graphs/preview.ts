import type { Db } from '../../store/db'
import { getGraph, getGraphClass } from '../../store/knowledge-graphs'
import { PROMPT_SET_LABELS, PROMPT_SETS, type PromptSetKind } from '../../../../contract/vocabulary'
import { buildPromptSet } from '../prompts/build'

/** What a version's class gives each prompt set. */

export interface PromptPreview {
  graphId: number
  classIndex: number
  className: string
  templateStyle: 'dataset' | 'hard'
  templates: string[]
  sets: { kind: PromptSetKind; label: string; prompts: string[] }[]
}

/** The [C], [S], [T] and [S]+[T] prompts of one class, de-duplicated and not padded. */
export function previewPrompts(db: Db, r: { graphId: number; classIndex: number; style?: 'dataset' | 'hard' }): PromptPreview {
  const g = getGraph(db, r.graphId)
  const c = getGraphClass(db, r.graphId, r.classIndex)
  const style = r.style ?? 'dataset'
  const build = (kind: PromptSetKind) => buildPromptSet([c], { kind, style, dataset: g.dataset, pad: false })
  const sets = PROMPT_SETS.map((kind) => ({ kind, label: PROMPT_SET_LABELS[kind], prompts: build(kind).classes[0]!.prompts }))
  return { graphId: g.id, classIndex: c.index, className: c.name, templateStyle: style, templates: build('c').templates, sets }
}
