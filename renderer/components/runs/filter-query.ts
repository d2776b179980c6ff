import type { ConfigCondition, ConfigValue } from '../../../contract/api-runtime'

const CONDITION = /^([A-Za-z_][\w.-]*)(!=|>=|<=|=|>|<)(.+)$/

/** `0.001` → 0.001, `true` → true, `null` → null, `"a b"` or anything else → the text. */
export function parseConfigValue(text: string): ConfigValue {
  if (/^".*"$/.test(text)) return text.slice(1, -1)
  if (text === 'true') return true
  if (text === 'false') return false
  if (text === 'null') return null
  const n = Number(text)
  return text.trim() !== '' && Number.isFinite(n) ? n : text
}

/**
 * The runs table's filter box: words such as `model.adaptation.mode=full` or `train.lr>0.001` become
 * config conditions (=, !=, >, >=, <, <=), every other word is free text matched against the run's
 * name, its experiment and its id.
 */
export function parseFilterQuery(query: string): { text: string; conditions: ConfigCondition[] } {
  const words: string[] = []
  const conditions: ConfigCondition[] = []
  for (const word of query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []) {
    const m = CONDITION.exec(word)
    if (m) conditions.push({ key: m[1]!, op: m[2] as ConfigCondition['op'], value: parseConfigValue(m[3]!) })
    else words.push(word)
  }
  return { text: words.join(' '), conditions }
}
