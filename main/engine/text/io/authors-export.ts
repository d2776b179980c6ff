import { stringify } from 'yaml'
import { formatTriple } from '../askg/triples'
import type { GraphClass } from '../askg/types'

/**
 * Writes graph classes back in the authors' formats, keyed by each class's original key, fields in
 * the authors' order. Strings that YAML 1.1 (PyYAML, which the released code uses) would read as
 * something else ("yes", "1.5") are quoted; long lines are never folded.
 */
const YAML_OPTIONS = { version: '1.1', lineWidth: 0 } as const
/** The authors' ASKG file puts list items at the key's indentation; their xprompt file indents them. */
const ASKG_OPTIONS = { ...YAML_OPTIONS, indentSeq: false } as const

function keyed(classes: GraphClass[], entry: (c: GraphClass) => Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const c of [...classes].sort((a, b) => a.index - b.index)) {
    if (c.key in out) throw new Error(`two classes share the key "${c.key}"; give one of them another key before exporting`)
    out[c.key] = entry(c)
  }
  return out
}

export function exportAskgYaml(classes: GraphClass[]): string {
  return stringify(
    keyed(classes, ({ graph: g }) => ({
      label: g.label,
      obj_en_li: g.objects,
      obj_rel_triples: g.objectRelations.map(formatTriple),
      act_obj_triples: g.actionObjectRelations.map(formatTriple),
      sub_act_en_li: g.subActions,
      act_rel_triples: g.actionRelations.map(formatTriple),
    })),
    ASKG_OPTIONS,
  )
}

export function exportXpromptYaml(classes: GraphClass[]): string {
  return stringify(
    keyed(classes, ({ graph: g }) => ({ label: g.xpromptLabel ?? g.label, xprompt_oo: g.clauses.oo, xprompt_ao: g.clauses.ao, xprompt_aa: g.clauses.aa })),
    YAML_OPTIONS,
  )
}
