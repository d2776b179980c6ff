import { malformedTriple, parseTriple } from '../askg/triples'
import type { GraphIssue, Triple } from '../askg/types'

/**
 * Readers for the fields of the authors' YAML entries (docs/method.md §3.2), shared by the file
 * importer and the LLM answer parser, which asks for the same fields.
 */

/** Field names the LLMs (and other prompt variants) use for the same thing. */
export const FIELD_ALIASES: Record<string, string> = {
  obj_li: 'obj_en_li',
  objects: 'obj_en_li',
  sub_act_li: 'sub_act_en_li',
  act_en_li: 'sub_act_en_li',
  sub_actions: 'sub_act_en_li',
  sub_act_rel_triples: 'act_rel_triples',
  oo: 'xprompt_oo',
  ao: 'xprompt_ao',
  aa: 'xprompt_aa',
}

export const ASKG_FIELDS = ['label', 'obj_en_li', 'obj_rel_triples', 'act_obj_triples', 'sub_act_en_li', 'act_rel_triples'] as const
export const XPROMPT_FIELDS = ['label', 'xprompt_oo', 'xprompt_ao', 'xprompt_aa'] as const

/** Maps a raw entry's keys onto the canonical field names; unknown keys are returned separately. */
export function canonicalFields(raw: Record<string, unknown>, known: readonly string[]): { fields: Record<string, unknown>; unknown: string[] } {
  const fields: Record<string, unknown> = {}
  const unknown: string[] = []
  for (const [k, v] of Object.entries(raw)) {
    const key = k.trim().toLowerCase()
    const name = FIELD_ALIASES[key] ?? key
    if (known.includes(name)) fields[name] = v
    else unknown.push(k)
  }
  return { fields, unknown }
}

function scalarText(v: unknown): string | null {
  if (typeof v === 'string') return v.trim()
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return null
}

/** A list of strings. `null`/missing is the empty list (a quirk of the authors' HMDB file). */
export function readStringList(className: string, field: string, value: unknown, issues: GraphIssue[]): string[] {
  if (value === null || value === undefined) return []
  if (!Array.isArray(value)) {
    issues.push({ className, field, message: `is ${JSON.stringify(value)}, not a list`, fix: `write ${field} as a YAML list ("- item" lines)` })
    return []
  }
  const out: string[] = []
  value.forEach((item, i) => {
    const s = scalarText(item)
    if (s === null || s === '') {
      issues.push({ className, field: `${field}.${i}`, message: `is ${JSON.stringify(item)}, not a text`, fix: 'write a non-empty text or remove the item' })
    } else out.push(s)
  })
  return out
}

/**
 * A list of triples `<head, relation, tail>`. With `keepMalformed` (the authors' released files), a
 * text that is not three parts is kept as written and reported there instead of being an issue. A
 * triple written as a YAML list `[head, relation, tail]` is marked so, for an export to write it back so.
 */
export function readTripleList(className: string, field: string, value: unknown, issues: GraphIssue[], keepMalformed?: (item: Triple, field: string, reason: string) => void): Triple[] {
  if (value === null || value === undefined) return []
  if (!Array.isArray(value)) {
    issues.push({ className, field, message: `is ${JSON.stringify(value)}, not a list`, fix: `write ${field} as a YAML list of "<head, relation, tail>" items` })
    return []
  }
  const out: Triple[] = []
  rejoinFlowSplits(value).forEach((item, i) => {
    const r = parseTriple(item)
    if (!('error' in r)) out.push(Array.isArray(item) ? { ...r.triple, form: 'list' } : r.triple)
    else if (keepMalformed && typeof item === 'string' && item.trim()) {
      const kept = malformedTriple(item)
      keepMalformed(kept, `${field}.${i}`, r.error)
      out.push(kept)
    } else issues.push({ className, field: `${field}.${i}`, message: r.error, fix: 'write it as <head, relation, tail>, three parts separated by commas' })
  })
  return out
}

/** The `label` field, or null when missing. */
export function readLabel(className: string, value: unknown, issues: GraphIssue[]): string | null {
  if (value === null || value === undefined) return null
  const s = scalarText(value)
  if (s === null || s === '') {
    issues.push({ className, field: 'label', message: `is ${JSON.stringify(value)}`, fix: 'write the action name as text' })
    return null
  }
  return s
}

/**
 * `[<a, rel, b>]` in a YAML flow list is read as three items "<a", "rel", "b>"; this joins such
 * fragments back into one triple text.
 */
export function rejoinFlowSplits(items: unknown[]): unknown[] {
  const out: unknown[] = []
  for (let i = 0; i < items.length; i++) {
    const v = items[i]
    if (typeof v === 'string' && v.trim().startsWith('<') && !v.trim().endsWith('>')) {
      const end = items.findIndex((w, j) => j > i && typeof w === 'string' && w.trim().endsWith('>'))
      const fragments = items.slice(i + 1, end + 1)
      if (end > i && fragments.every((w) => typeof w === 'string' && !w.trim().startsWith('<'))) {
        out.push(items.slice(i, end + 1).map((w) => String(w).trim()).join(', '))
        i = end
        continue
      }
    }
    out.push(v)
  }
  return out
}
