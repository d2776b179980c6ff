/** Dotted-key differences between two plain JSON trees (arrays compare whole). */
export function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out)
  } else {
    out[prefix] = value
  }
  return out
}

/** The keys of `config` whose values differ from `base`, with `config`'s values. */
export function diffFrom(base: unknown, config: unknown, ignore: readonly string[] = []): Record<string, unknown> {
  const a = flatten(base)
  const b = flatten(config)
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(b)) {
    if (ignore.some((i) => k === i || k.startsWith(i + '.'))) continue
    if (JSON.stringify(a[k]) !== JSON.stringify(v)) out[k] = v
  }
  return out
}

/** Sets `path` (dotted) in a nested object, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = target
  for (const k of keys.slice(0, -1)) {
    if (node[k] === undefined) node[k] = {}
    const next = node[k]
    if (next === null || typeof next !== 'object') throw new Error(`key "${path}": "${k}" is a value, not a section or a list`)
    node = next as Record<string, unknown>
  }
  node[keys[keys.length - 1]!] = value
}

/** Deep merge of plain objects; arrays and scalars from `over` replace those of `base`. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v)
    return out
  }
  return over
}
