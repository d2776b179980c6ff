import { ContractError } from '../../../../contract'
import type { Db } from '../../store/db'
import { editGraphClasses, getGraph, type GraphVersion } from '../../store/knowledge-graphs'
import { checkClassGraph } from '../askg/schema'
import { formatTriple } from '../askg/triples'
import { formatIssue, type ClassGraph, type GraphClass } from '../askg/types'

/** Editing a class (always a new version whose parent is the edited one) and comparing versions. */

export interface ClassSave {
  parentId: number
  index: number
  graph: ClassGraph
  name?: string
  note?: string
}

/** Saves one edited class as a new version; refuses an edit that changes nothing. */
export function saveClassEdit(db: Db, s: ClassSave): GraphVersion {
  const parent = getGraph(db, s.parentId)
  const old = parent.classes.find((c) => c.index === s.index)
  if (!old) throw new ContractError('not_found', `class ${s.index} is not in ${parent.name}@${parent.version} (indices 0–${parent.classes.length - 1})`)
  const checked = checkClassGraph(old.name, s.graph)
  if ('issues' in checked) {
    throw new ContractError('invalid_input', `class "${old.name}": ${checked.issues.map(formatIssue).join('; ')}`, checked.issues.map((i) => ({ path: `graph.${i.field}`, message: `${i.message} — ${i.fix}` })))
  }
  const name = s.name?.trim() || old.name
  if (JSON.stringify(checked.graph) === JSON.stringify(old.graph) && name === old.name) {
    throw new ContractError('invalid_input', `class "${old.name}" is unchanged in this edit; nothing to save as a new version`)
  }
  const note = s.note?.trim() || `edited "${name}"`
  return editGraphClasses(db, s.parentId, [{ index: s.index, graph: checked.graph, name, provenance: { source: 'human', createdAt: new Date().toISOString(), note } }], note)
}

export interface FieldChange {
  /** The authors' field name (obj_en_li, xprompt_aa, …) or name/key. */
  field: string
  removed: string[]
  added: string[]
}

export interface ClassDiff {
  index: number
  name: string
  status: 'same' | 'changed' | 'added' | 'removed'
  changes: FieldChange[]
}

/** Each field of a class as a list of texts, in the authors' naming. */
function fieldTexts(c: GraphClass): Record<string, string[]> {
  const g = c.graph
  return {
    name: [c.name],
    key: [c.key],
    label: [g.label],
    obj_en_li: g.objects,
    obj_rel_triples: g.objectRelations.map(formatTriple),
    act_obj_triples: g.actionObjectRelations.map(formatTriple),
    sub_act_en_li: g.subActions,
    act_rel_triples: g.actionRelations.map(formatTriple),
    xprompt_oo: g.clauses.oo,
    xprompt_ao: g.clauses.ao,
    xprompt_aa: g.clauses.aa,
  }
}

/** Lists differ when their items or their order differ; the change lists what left and what came. */
function listChange(field: string, before: string[], after: string[]): FieldChange | null {
  if (before.length === after.length && before.every((b, i) => b === after[i])) return null
  const removed = before.filter((b) => !after.includes(b))
  const added = after.filter((a) => !before.includes(a))
  // A pure reordering: show the whole new order against the old one.
  return removed.length || added.length ? { field, removed, added } : { field, removed: before, added: after }
}

export function diffClasses(before: GraphClass | undefined, after: GraphClass | undefined): ClassDiff {
  const c = (after ?? before)!
  if (!before || !after) return { index: c.index, name: c.name, status: before ? 'removed' : 'added', changes: [] }
  const [b, a] = [fieldTexts(before), fieldTexts(after)]
  const changes = Object.keys(b)
    .map((f) => listChange(f, b[f]!, a[f]!))
    .filter((x): x is FieldChange => x !== null)
  return { index: c.index, name: after.name, status: changes.length ? 'changed' : 'same', changes }
}

/** Per class (by index), what changed from version `fromId` to `toId`. */
export function diffVersions(db: Db, fromId: number, toId: number): ClassDiff[] {
  const [from, to] = [getGraph(db, fromId), getGraph(db, toId)]
  if (from.name !== to.name) throw new ContractError('invalid_input', `#${fromId} is a version of "${from.name}" and #${toId} of "${to.name}"; compare two versions of one graph`)
  const a = new Map(from.classes.map((c) => [c.index, c]))
  const b = new Map(to.classes.map((c) => [c.index, c]))
  const indices = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y)
  return indices.map((i) => diffClasses(a.get(i), b.get(i)))
}
