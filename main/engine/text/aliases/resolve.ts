import type { GraphClass } from '../askg/types'

/**
 * Class names across sources: a data set names a class one way ("Handstand Pushups"), a graph
 * another ("hand stand pushups"). A graph's alias table (stored per graph, shipped for the real
 * benchmarks) maps names to keys; otherwise a name matches a class whose name or key is the same
 * after normalisation. A name that matches nothing is an error listing the nearest keys.
 */

export interface ClassAlias {
  alias: string
  key: string
}

/** Lower case, `_`/`-`/runs of spaces → one space. */
export function normaliseClassName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, ' ').trim()
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)))
    prev = cur
  }
  return prev[b.length]!
}

/** The `count` candidates (keys, names) nearest to `name` by edit distance (after normalisation), nearest first. */
export function nearestKeys(name: string, keys: readonly string[], count = 3): string[] {
  const n = normaliseClassName(name)
  const unique = new Map<string, string>() // "Yo Yo" and "yo yo" are one candidate: the first spelling
  for (const k of keys) if (!unique.has(normaliseClassName(k))) unique.set(normaliseClassName(k), k)
  return [...unique.entries()]
    .map(([norm, k]) => ({ k, d: editDistance(n, norm) }))
    .sort((x, y) => x.d - y.d || (x.k < y.k ? -1 : 1))
    .slice(0, count)
    .map((x) => x.k)
}

export class UnmatchedClassError extends Error {
  constructor(
    readonly graph: string,
    readonly unmatched: { name: string; nearest: string[] }[],
  ) {
    super(
      `knowledge graph ${graph} has no class for ${unmatched.length} class name(s): ${unmatched
        .slice(0, 8)
        .map((u) => `"${u.name}" (nearest: ${u.nearest.map((k) => `"${k}"`).join(', ')})`)
        .join('; ')}${unmatched.length > 8 ? '; …' : ''} — use the graph's class names or keys, or generate/import the missing classes ("stdd askg generate" / "stdd askg import")`,
    )
    this.name = 'UnmatchedClassError'
  }
}

/** Every text a name can match: the classes' keys and names and the table's aliases, each once. */
export function matchableNames(classes: readonly GraphClass[], aliases: readonly ClassAlias[]): string[] {
  return [...new Set([...classes.flatMap((c) => [c.key, c.name]), ...aliases.map((a) => a.alias)])]
}

/** Finds the class for one name: alias table first, then the classes' names and keys. */
export function findClass(classes: readonly GraphClass[], aliases: readonly ClassAlias[], name: string): GraphClass | undefined {
  const n = normaliseClassName(name)
  const byKey = new Map<string, GraphClass>()
  for (const c of classes) byKey.set(normaliseClassName(c.key), c)
  const alias = aliases.find((a) => normaliseClassName(a.alias) === n)
  if (alias) return byKey.get(normaliseClassName(alias.key))
  return byKey.get(n) ?? classes.find((c) => normaliseClassName(c.name) === n)
}

/**
 * The graph's classes for `names` (a data set's classes in index order): class k is renamed to
 * `names[k]` and re-indexed to k, so prompts use the data set's names. Throws listing every name
 * that matches no class, with the nearest keys.
 */
export function resolveClassNames(graph: string, classes: readonly GraphClass[], aliases: readonly ClassAlias[], names: readonly string[]): GraphClass[] {
  const out: GraphClass[] = []
  const unmatched: { name: string; nearest: string[] }[] = []
  const candidates = matchableNames(classes, aliases)
  names.forEach((name, index) => {
    const c = findClass(classes, aliases, name)
    if (c) out.push({ ...c, index, name })
    else unmatched.push({ name, nearest: nearestKeys(name, candidates) })
  })
  if (unmatched.length) throw new UnmatchedClassError(graph, unmatched)
  return out
}
