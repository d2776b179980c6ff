import { isMap, isScalar, parseDocument } from 'yaml'
import type { GraphIssue, Triple } from '../askg/types'
import { ASKG_FIELDS, XPROMPT_FIELDS, canonicalFields, readLabel, readStringList, readTripleList } from './authors-fields'

/**
 * Readers for the paper authors' released files (docs/method.md §3.2):
 * `classes_ASKG_<ds>.yml` — `<key>: {label, obj_en_li, obj_rel_triples, act_obj_triples, sub_act_en_li, act_rel_triples}`
 * `classes_xprompt_<ds>.yml` — `<key>: {label, xprompt_oo, xprompt_ao, xprompt_aa}`
 * Entries are in class-index order. The files were written by appending LLM answers, so they carry
 * comments, `null` for empty lists and keys that differ from the class names; all are accepted.
 */

export interface AskgEntry {
  key: string
  label: string | null
  objects: string[]
  subActions: string[]
  oo: Triple[]
  ao: Triple[]
  aa: Triple[]
}

export interface XpromptEntry {
  key: string
  label: string | null
  oo: string[]
  ao: string[]
  aa: string[]
}

export interface ParsedFile<T> {
  entries: T[]
  /** Problems that make an entry unusable as written. */
  issues: GraphIssue[]
  /** Things accepted but worth telling (duplicate keys, ignored fields). */
  warnings: string[]
}

export type AuthorsFileKind = 'askg' | 'xprompt'

interface RawEntry {
  key: string
  value: unknown
}

/** The top-level `key: mapping` pairs in file order. A repeated key keeps its first position and its last value, as PyYAML does. */
export function readTopLevel(text: string, file: string): { entries: RawEntry[]; warnings: string[] } {
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: true })
  if (doc.errors.length) {
    const e = doc.errors[0]!
    throw new Error(`${file}: not valid YAML — ${e.message.split('\n')[0]}; fix the file at that line (a text containing ": " must be quoted)`)
  }
  if (doc.contents === null) return { entries: [], warnings: [`${file}: the file is empty`] }
  if (!isMap(doc.contents)) throw new Error(`${file}: the top level must be a mapping "class key: {fields}", as in the authors' classes_ASKG_<ds>.yml`)
  const order: string[] = []
  const values = new Map<string, unknown>()
  const warnings: string[] = []
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value).trim() : String(pair.key)
    const value = pair.value && typeof (pair.value as { toJSON?: unknown }).toJSON === 'function' ? (pair.value as { toJSON(): unknown }).toJSON() : isScalar(pair.value) ? pair.value.value : pair.value
    if (values.has(key)) warnings.push(`${file}: key "${key}" appears more than once; the last entry is used, at the position of the first`)
    else order.push(key)
    values.set(key, value)
  }
  return { entries: order.map((key) => ({ key, value: values.get(key) })), warnings }
}

function entryFields(e: RawEntry, known: readonly string[], file: string, issues: GraphIssue[], warnings: string[]): Record<string, unknown> | null {
  if (e.value === null || typeof e.value !== 'object' || Array.isArray(e.value)) {
    issues.push({ className: e.key, field: '(entry)', message: `is ${JSON.stringify(e.value)}, not a mapping of fields`, fix: `give the entry the fields ${known.join(', ')}` })
    return null
  }
  const { fields, unknown } = canonicalFields(e.value as Record<string, unknown>, known)
  if (unknown.length) warnings.push(`${file}: class "${e.key}": ignored field(s) ${unknown.join(', ')} (known: ${known.join(', ')})`)
  return fields
}

/**
 * Reads one ASKG entry's fields (also used on LLM answers, where a malformed triple is an issue that
 * asks for a repair). From a file (`keepMalformedIn`), a malformed triple is kept as text with a
 * warning naming the file, the class and the field.
 */
export function askgEntry(key: string, f: Record<string, unknown>, issues: GraphIssue[], keepMalformedIn?: { file: string; warnings: string[] }): AskgEntry {
  const keep = keepMalformedIn
    ? (t: Triple, field: string, reason: string) =>
        keepMalformedIn.warnings.push(`${keepMalformedIn.file}: class "${key}", field ${field}: ${reason}; kept as the text "${t.text}" (prompts use its clause; the graph view shows it without a relation)`)
    : undefined
  return {
    key,
    label: readLabel(key, f.label, issues),
    objects: readStringList(key, 'obj_en_li', f.obj_en_li, issues),
    subActions: readStringList(key, 'sub_act_en_li', f.sub_act_en_li, issues),
    oo: readTripleList(key, 'obj_rel_triples', f.obj_rel_triples, issues, keep),
    ao: readTripleList(key, 'act_obj_triples', f.act_obj_triples, issues, keep),
    aa: readTripleList(key, 'act_rel_triples', f.act_rel_triples, issues, keep),
  }
}

/** Reads one xprompt entry's fields (also used on LLM answers). */
export function xpromptEntry(key: string, f: Record<string, unknown>, issues: GraphIssue[]): XpromptEntry {
  return {
    key,
    label: readLabel(key, f.label, issues),
    oo: readStringList(key, 'xprompt_oo', f.xprompt_oo, issues),
    ao: readStringList(key, 'xprompt_ao', f.xprompt_ao, issues),
    aa: readStringList(key, 'xprompt_aa', f.xprompt_aa, issues),
  }
}

export function parseAskgFile(text: string, file: string): ParsedFile<AskgEntry> {
  const { entries, warnings } = readTopLevel(text, file)
  const issues: GraphIssue[] = []
  const out: AskgEntry[] = []
  for (const e of entries) {
    const f = entryFields(e, ASKG_FIELDS, file, issues, warnings)
    if (f) out.push(askgEntry(e.key, f, issues, { file, warnings }))
  }
  return { entries: out, issues: issues.map((i) => ({ ...i, file })), warnings }
}

export function parseXpromptFile(text: string, file: string): ParsedFile<XpromptEntry> {
  const { entries, warnings } = readTopLevel(text, file)
  const issues: GraphIssue[] = []
  const out: XpromptEntry[] = []
  for (const e of entries) {
    const f = entryFields(e, XPROMPT_FIELDS, file, issues, warnings)
    if (f) out.push(xpromptEntry(e.key, f, issues))
  }
  return { entries: out, issues: issues.map((i) => ({ ...i, file })), warnings }
}

/** Which of the two files this is, from the fields of its first entry (not its name). */
export function detectAuthorsFile(text: string, file: string): AuthorsFileKind {
  const { entries } = readTopLevel(text, file)
  for (const e of entries) {
    if (e.value && typeof e.value === 'object' && !Array.isArray(e.value)) {
      const keys = Object.keys(e.value).map((k) => k.trim().toLowerCase())
      if (keys.some((k) => k.startsWith('xprompt_'))) return 'xprompt'
      if (keys.some((k) => k.endsWith('_triples') || k.endsWith('_li'))) return 'askg'
    }
  }
  throw new Error(`${file}: neither an ASKG file (fields obj_en_li, obj_rel_triples, …) nor an xprompt file (fields xprompt_oo, xprompt_ao, xprompt_aa)`)
}
