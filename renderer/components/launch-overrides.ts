import { parseConfigValue } from './runs/filter-query'
import type { ConfigValue } from '../../contract/api-runtime'

/**
 * The launch panel's `--set` box: one `key=value` per line, as `stdd run --set` takes them (blank
 * lines and `#` comments skipped). Values are typed like the runs filter's (`2` a number, `true` a
 * boolean, `"a b"` a text). The first bad line is named, with what a line must look like.
 */
export function parseOverrides(text: string): { values: Record<string, ConfigValue> } | { error: string } {
  const values: Record<string, ConfigValue> = {}
  const lines = text.split('\n')
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const m = /^([A-Za-z_]\w*(?:\.\w+)*)\s*=\s*(.*)$/.exec(line)
    if (!m) return { error: `line ${i + 1} "${line}": write key=value with a dotted key, e.g. train.epochs=2` }
    if (m[2] === '') return { error: `line ${i + 1}: ${m[1]} has no value` }
    values[m[1]!] = parseConfigValue(m[2]!)
  }
  return { values }
}
