import type { Triple } from './types'

/** Writes a triple the way the authors' files do: `<head, relation, tail>`. */
export function formatTriple(t: Triple): string {
  return `<${t.head}, ${t.relation}, ${t.tail}>`
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
