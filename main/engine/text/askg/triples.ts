import type { Triple } from './types'

/** Writes a triple the way the authors' files do: `<head, relation, tail>`; a malformed one exactly as it was read. */
export function formatTriple(t: Triple): string {
  return t.text ?? `<${t.head}, ${t.relation}, ${t.tail}>`
}

/**
 * A text that is not a triple, kept as written: two parts become head and tail (`<eye, area where
 * eye makeup is applied>`), one part the head; the relation is then empty.
 */
export function malformedTriple(value: string): Triple {
  const parts = value
    .trim()
    .replace(/^<|>$/g, '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
  return { head: parts[0] ?? '', relation: parts.length > 2 ? parts.slice(1, -1).join(', ') : '', tail: parts.length > 1 ? parts[parts.length - 1]! : '', text: value.trim() }
}

/**
 * Reads a triple from `<a, rel, b>`, `a, rel, b`, `1 - <a, rel, b>` or a 3-element list. With more
 * than three comma-separated parts the first is the head, the last the tail and the middle the
 * relation, so `formatTriple` gives the same text back. Returns a reason when it cannot be read.
 */
export function parseTriple(value: unknown): { triple: Triple } | { error: string } {
  if (Array.isArray(value)) {
    const parts = value.map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : ''))
    if (parts.length !== 3 || parts.some((p) => p === '')) return { error: `a list triple needs exactly 3 non-empty parts, got ${JSON.stringify(value)}` }
    return { triple: { head: parts[0]!, relation: parts[1]!, tail: parts[2]! } }
  }
  if (typeof value !== 'string') return { error: `expected a triple like "<bow, used to shoot, arrow>", got ${JSON.stringify(value)}` }
  let text = value.trim().replace(/^\d+\s*[-.)]\s*/, '')
  if (text.startsWith('<')) text = text.slice(1)
  if (text.endsWith('>')) text = text.slice(0, -1)
  const parts = text.split(',').map((p) => p.trim())
  if (parts.length < 3 || parts.some((p) => p === '')) {
    return { error: `"${value}" is not a triple <head, relation, tail> (it has ${parts.filter((p) => p).length} non-empty part(s))` }
  }
  return { triple: { head: parts[0]!, relation: parts.slice(1, -1).join(', '), tail: parts[parts.length - 1]! } }
}
