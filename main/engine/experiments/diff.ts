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

/** Keys that reach an object's prototype: a config key never has one of these names. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** Throws for a key that would reach an object's prototype (`path` is the whole dotted key, for the message). */
export function assertConfigKey(key: string, path: string): void {
  if (PROTOTYPE_KEYS.has(key)) throw new Error(`key "${path}": "${key}" is not allowed in a config key (it would reach an object's prototype)`)
}

/** Sets `path` (dotted) in a nested object, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  for (const k of keys) assertConfigKey(k, path)
  let node = target
  for (const k of keys.slice(0, -1)) {
    if (node[k] === undefined) node[k] = {}
    const next = node[k]
    if (next === null || typeof next !== 'object') throw new Error(`key "${path}": "${k}" is a value, not a section or a list`)
    node = next as Record<string, unknown>
  }
  node[keys[keys.length - 1]!] = value
}

/** Deep merge of plain objects; arrays and scalars from `over` replace those of `base`. `path` names keys in errors. */
export function deepMerge(base: unknown, over: unknown, path = ''): unknown {
  if (over === undefined) return base
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
    for (const [k, v] of Object.entries(over)) {
      const at = path ? `${path}.${k}` : k
      assertConfigKey(k, at)
      out[k] = deepMerge(out[k], v, at)
    }
    return out
  }
  return over
}

/** Throws for any key of a parsed document tree (YAML and JSON keep `__proto__` as an own key) that would reach a prototype. */
export function assertConfigKeys(value: unknown, path = ''): void {
  if (value === null || typeof value !== 'object') return
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k
    if (!Array.isArray(value)) assertConfigKey(k, at)
    assertConfigKeys(v, at)
  }
}
