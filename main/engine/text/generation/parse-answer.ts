import { parse } from 'yaml'
import { FIELD_ALIASES } from '../io/authors-fields'

/**
 * Tolerant reading of an LLM's YAML answer: code fences, prose before or after, a missing root key,
 * and YAML that does not parse (a text with ": " left unquoted) are all handled. The result is the
 * entry's raw fields, to be read and validated by the same readers as the authors' files.
 */

/** The contents of the first fenced block (preferring one marked yaml), or the whole text. */
export function stripFences(text: string): string {
  const blocks = [...text.matchAll(/```([\w-]*)[^\n]*\n([\s\S]*?)(?:```|$)/g)]
  if (blocks.length === 0) return text
  const yaml = blocks.find((b) => /^ya?ml$/i.test(b[1] ?? ''))
  return (yaml ?? blocks[0]!)[2]!
}

function isKnownField(key: string, known: readonly string[]): boolean {
  const k = key.trim().toLowerCase()
  return known.includes(FIELD_ALIASES[k] ?? k)
}

function hasKnownField(v: unknown, known: readonly string[]): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => isKnownField(k, known))
}

/** Finds the entry: the object itself when it has the fields, else the value under the root key (the one naming the class if several). */
export function findEntry(value: unknown, known: readonly string[], className: string): Record<string, unknown> | null {
  if (hasKnownField(value, known)) return value
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => hasKnownField(v, known))
  const named = entries.find(([k]) => k.trim().toLowerCase() === className.trim().toLowerCase())
  return (named ?? entries[0])?.[1] as Record<string, unknown> | null ?? null
}

/** Drops prose lines before the first `key:` line and after the last YAML-looking line. */
function trimProse(text: string): string {
  const lines = text.split('\n')
  const looksYaml = (l: string): boolean => /^\s*(#|- |-$)/.test(l) || /^\s*[^\s:][^:]*:(\s|$)/.test(l) || /^\s+\S/.test(l)
  const first = lines.findIndex((l) => /^\s*[^\s:#-][^:]*:(\s|$)/.test(l))
  if (first < 0) return text
  let last = lines.length - 1
  while (last > first && !looksYaml(lines[last]!)) last--
  return lines.slice(first, last + 1).join('\n')
}

/**
 * Last resort: reads `field:` and `- item` lines by hand, for answers that are YAML-shaped but not
 * YAML (e.g. `- where the rope is attached: to the harness`).
 */
export function lineFields(text: string, known: readonly string[]): Record<string, unknown> | null {
  const out: Record<string, unknown> = {}
  let current: string | null = null
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trimEnd()
    if (!line.trim() || line.trim().startsWith('#')) continue
    const field = /^\s*([A-Za-z_]+)\s*:\s*(.*)$/.exec(line)
    if (field && isKnownField(field[1]!, known)) {
      const name = field[1]!.trim().toLowerCase()
      current = FIELD_ALIASES[name] ?? name
      const rest = field[2]!.trim()
      out[current] = rest === '' || rest === '[' ? [] : /^\[.*\]$/.test(rest) ? flowItems(rest) : unquote(rest)
      continue
    }
    const item = /^\s*-\s+(.*)$/.exec(line)
    if (item && current && Array.isArray(out[current])) (out[current] as string[]).push(unquote(item[1]!.trim()))
  }
  return Object.keys(out).length ? out : null
}

/** `[a, b, <x, r, y>]` → its items (triples split at commas are joined again by the triple reader). */
function flowItems(rest: string): string[] {
  return rest
    .slice(1, -1)
    .split(',')
    .map((i) => unquote(i.trim()))
    .filter((i) => i !== '')
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s
}

/**
 * Every reading of the answer worth trying, best first: the YAML entry, then the line-by-line
 * reading (which wins when YAML turned a text with ": " into a mapping). Empty with `error` when
 * nothing looks like an entry.
 */
export function parseAnswer(text: string, known: readonly string[], className: string): { candidates: Record<string, unknown>[]; error: string } {
  const body = stripFences(text)
  const candidates: Record<string, unknown>[] = []
  let error = ''
  for (const candidate of [body, trimProse(body)]) {
    try {
      const entry = findEntry(parse(candidate), known, className)
      if (entry) {
        candidates.push(entry)
        break
      }
      error = `the answer has no entry with the fields ${known.join(', ')}`
    } catch (err) {
      error = `the answer is not valid YAML (${(err as Error).message.split('\n')[0]})`
    }
  }
  const loose = lineFields(trimProse(body), known)
  if (loose) candidates.push(loose)
  return { candidates, error }
}
