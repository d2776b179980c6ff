import type { z } from 'zod'
import { editDistance } from '../text/aliases/resolve'

/**
 * "Did you mean `epochs`?" for a key the experiment schema does not know: the nearest key the schema
 * knows at that place, by edit distance. The one source of that hint for the CLI's errors and the
 * explorer's editor (both get it from the validator in resolve.ts).
 */

/** The parts of a zod schema's definition that lead to an object's keys. */
interface WalkedDef {
  type: string
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  element?: z.ZodType
  in?: z.ZodType
  options?: readonly z.ZodType[]
}
const defOf = (schema: z.ZodType): WalkedDef => (schema as unknown as { _zod: { def: WalkedDef } })._zod.def

/** The schemas a value at `path` (object keys, array indices) must match, through defaults, optionals, pipes and unions. */
function schemasAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
  const def = defOf(schema)
  const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined)
  if (inner) return schemasAt(inner, path)
  if (def.type === 'union') return (def.options ?? []).flatMap((o) => schemasAt(o, path))
  if (path.length === 0) return [schema]
  const [head, ...rest] = path
  if (def.type === 'object' && typeof head === 'string' && def.shape?.[head]) return schemasAt(def.shape[head], rest)
  if (def.type === 'array' && def.element && typeof head === 'number') return schemasAt(def.element, rest)
  return []
}

/** The keys an object at `path` of `schema` may have (none where the path leads to no object). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return [...new Set(schemasAt(schema, path).flatMap((s) => Object.keys(defOf(s).shape ?? {})))].sort()
}

/** The known key nearest to `key` (ignoring case), if it is near enough to be a typo: at most 2 edits, or a third of the key. */
export function suggestKey(key: string, known: readonly string[]): string | null {
  const limit = Math.max(2, Math.floor(key.length / 3))
  const best = known
    .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))[0]
  return best && best.d <= limit ? best.k : null
}

/** The message for an unknown key: the nearest known one, else every key allowed there. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const near = suggestKey(key, known)
  if (near) return `unknown key "${key}"; did you mean "${near}"?`
  return known.length ? `unknown key "${key}"; the keys here are ${known.join(', ')}` : `unknown key "${key}"`
}
