import type { ClassGraphData, GraphTriple } from '../../../contract/api-runtime'

/** The editor's rows: one per triple, beside the clause of the same position (either may be missing). */
export interface EditRow {
  head: string
  relation: string
  tail: string
  /** A malformed triple kept as its text; editing the parts clears it. */
  text?: string
  /** Kept from the triple: its file wrote it as a list `[head, relation, tail]`. */
  form?: 'list'
  clause: string
}

export type Family = 'oo' | 'ao' | 'aa'
export const FAMILIES: { family: Family; field: 'objectRelations' | 'actionObjectRelations' | 'actionRelations'; title: string }[] = [
  { family: 'oo', field: 'objectRelations', title: 'Object–object relations [S]' },
  { family: 'ao', field: 'actionObjectRelations', title: 'Action–object relations [S]' },
  { family: 'aa', field: 'actionRelations', title: 'Action–action relations [T]' },
]

export interface EditModel {
  label: string
  objects: string
  subActions: string
  rows: Record<Family, EditRow[]>
}

export function toEditModel(g: ClassGraphData): EditModel {
  const rows = {} as Record<Family, EditRow[]>
  for (const { family, field } of FAMILIES) {
    const triples = g[field]
    const clauses = g.clauses[family]
    rows[family] = Array.from({ length: Math.max(triples.length, clauses.length) }, (_, i) => {
      const t = triples[i]
      return { head: t?.head ?? '', relation: t?.relation ?? '', tail: t?.tail ?? '', ...(t?.text !== undefined ? { text: t.text } : {}), ...(t?.form ? { form: t.form } : {}), clause: clauses[i] ?? '' }
    })
  }
  return { label: g.label, objects: g.objects.join('\n'), subActions: g.subActions.join('\n'), rows }
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean)

/** The graph the editor describes: empty rows and lines dropped, the xprompt file's own label and key kept. */
export function fromEditModel(m: EditModel, before: ClassGraphData): ClassGraphData {
  const triples = (family: Family): GraphTriple[] =>
    m.rows[family]
      .filter((r) => r.text !== undefined || r.head.trim() || r.relation.trim() || r.tail.trim())
      .map((r) => (r.text !== undefined ? { head: r.head, relation: r.relation, tail: r.tail, text: r.text } : { head: r.head.trim(), relation: r.relation.trim(), tail: r.tail.trim(), ...(r.form ? { form: r.form } : {}) }))
  const clauses = (family: Family) => m.rows[family].map((r) => r.clause.trim()).filter(Boolean)
  return {
    label: m.label.trim(),
    objects: lines(m.objects),
    subActions: lines(m.subActions),
    objectRelations: triples('oo'),
    actionObjectRelations: triples('ao'),
    actionRelations: triples('aa'),
    clauses: { oo: clauses('oo'), ao: clauses('ao'), aa: clauses('aa') },
    ...(before.xpromptLabel !== undefined ? { xpromptLabel: before.xpromptLabel } : {}),
    ...(before.xpromptKey !== undefined ? { xpromptKey: before.xpromptKey } : {}),
  }
}
