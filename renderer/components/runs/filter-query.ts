import type { ConfigCondition, ConfigValue } from '../../../contract/api-runtime'

const CONDITION = /^([A-Za-z_][\w./-]*)(!=|>=|<=|=|>|<)(.+)$/

/** `0.001` → 0.001, `true` → true, `null` → null, `"a b"` or anything else → the text. */
export function parseConfigValue(text: string): ConfigValue {
  if (/^".*"$/.test(text)) return text.slice(1, -1)
  if (text === 'true') return true
  if (text === 'false') return false
  if (text === 'null') return null
  const n = Number(text)
  return text.trim() !== '' && Number.isFinite(n) ? n : text
}

/** `key >= 80` → `key>=80`: spaces around an operator (outside quotes) join its sides into one word. */
function joinOperators(query: string): string {
  return query.replace(/("[^"]*")|\s*(!=|>=|<=|=|>|<)\s*/g, (all, quoted: string | undefined, op: string | undefined) => quoted ?? op ?? all)
}

/**
 * The runs table's filter box: words such as `model.adaptation.mode=full`, `train.lr>0.001` or
 * `eval.ucf101.ep3.top1 >= 80` become conditions (=, !=, >, >=, <, <=) on a config key or a metric
 * (the engine tells which, and names a key that is neither), `tag:NAME` keeps runs with that tag,
 * every other word is free text matched against the run's name, its experiment and its id.
 */
export function parseFilterQuery(query: string): { text: string; conditions: ConfigCondition[]; tags: string[] } {
  const words: string[] = []
  const conditions: ConfigCondition[] = []
  const tags: string[] = []
  for (const word of joinOperators(query).match(/(?:[^\s"]+|"[^"]*")+/g) ?? []) {
    const tag = /^tag:(.+)$/.exec(word)
    const m = CONDITION.exec(word)
    if (tag) tags.push(tag[1]!)
    else if (m) conditions.push({ key: m[1]!, op: m[2] as ConfigCondition['op'], value: parseConfigValue(m[3]!) })
    else words.push(word)
  }
  return { text: words.join(' '), conditions, tags }
}
