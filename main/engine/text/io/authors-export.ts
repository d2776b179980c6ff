import { stringify, YAMLSeq } from 'yaml'
import { formatTriple } from '../askg/triples'
import type { GraphClass, Triple } from '../askg/types'

/**
 * Writes graph classes back in the authors' formats, keyed by each class's original key, fields in
 * the authors' order. Strings that YAML 1.1 (PyYAML, which the released code uses) would read as
 * something else ("yes", "1.5") are quoted; long lines are never folded.
 */
const YAML_OPTIONS = { version: '1.1', lineWidth: 0 } as const
/** The authors' ASKG file puts list items at the key's indentation; their xprompt file indents them. */
const ASKG_OPTIONS = { ...YAML_OPTIONS, indentSeq: false } as const

function keyed(classes: GraphClass[], entry: (c: GraphClass) => Record<string, unknown>, keyOf: (c: GraphClass) => string = (c) => c.key): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const c of [...classes].sort((a, b) => a.index - b.index)) {
    const key = keyOf(c)
    if (key in out) throw new Error(`two classes share the key "${key}"; give one of them another key before exporting`)
    out[key] = entry(c)
  }
  return out
}

/** A triple as its file had it: the text `<head, relation, tail>`, or the flow list `[head, relation, tail]`. */
function tripleValue(t: Triple): string | YAMLSeq<string> {
  if (t.form !== 'list') return formatTriple(t)
  const seq = new YAMLSeq<string>()
  seq.flow = true
  seq.items = [t.head, t.relation, t.tail]
  return seq
}

export function exportAskgYaml(classes: GraphClass[]): string {
  return stringify(
    keyed(classes, ({ graph: g }) => ({
      label: g.label,
      obj_en_li: g.objects,
      obj_rel_triples: g.objectRelations.map(tripleValue),
      act_obj_triples: g.actionObjectRelations.map(tripleValue),
      sub_act_en_li: g.subActions,
      act_rel_triples: g.actionRelations.map(tripleValue),
    })),
    ASKG_OPTIONS,
  )
}

export function exportXpromptYaml(classes: GraphClass[]): string {
  return stringify(
    keyed(
      classes,
      ({ graph: g }) => ({ label: g.xpromptLabel ?? g.label, xprompt_oo: g.clauses.oo, xprompt_ao: g.clauses.ao, xprompt_aa: g.clauses.aa }),
      (c) => c.graph.xpromptKey ?? c.key,
    ),
    YAML_OPTIONS,
  )
}
