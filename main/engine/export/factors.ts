import { factorText, PROMPT_SET_KEY } from '../../../contract'

/**
 * Factor columns of a results table: one per config key that tells rows apart, with a short header
 * in the paper's words where there is one (Adaptation | STCA | WSM | MCM | Prompts …), else the key's
 * last two parts.
 */

const HEADERS: Record<string, string> = {
  'model.adaptation.mode': 'Adaptation',
  'model.stca.enabled': 'STCA',
  'model.stca.masking.enabled': 'WSM',
  'model.stca.mixing.mode': 'MCM',
  'model.stca.masking.ratio': 'Mask ratio',
  'model.stca.masking.variant': 'Mask',
  'model.alignment.level': 'Alignment',
  'model.distillation.gradient': 'Distillation',
  'text.promptSet': 'Prompts',
  'text.graph': 'Graph',
  'text.templates': 'Templates',
  'train.epochs': 'Epochs',
  'train.lr': 'LR',
}


export function factorHeader(key: string): string {
  if (HEADERS[key]) return HEADERS[key]
  if (key.startsWith(PROMPT_SET_KEY)) return `Prompt set (${key.slice(PROMPT_SET_KEY.length)})`
  return key.split('.').slice(-2).join('.')
}

/** `WSM=✓, MCM=continual`: values named by their headers (labels of rows without a variant name). */
export function describeValues(values: Record<string, unknown>, keys: readonly string[]): string {
  return keys.map((k) => `${factorHeader(k)}=${factorText(k, values)}`).join(', ')
}

/**
 * The factors shown as columns: the differing keys, less the prompt-set hashes that other factors
 * already explain (a hash column only appears where two rows alike in every other factor used
 * different prompts, e.g. after a graph edit outside the config).
 */
export function shownFactors(keys: readonly string[], rows: readonly { values: Record<string, unknown> }[]): string[] {
  const config = keys.filter((k) => !k.startsWith(PROMPT_SET_KEY))
  const explained = (hashKey: string): boolean => {
    const byConfig = new Map<string, string>()
    for (const r of rows) {
      if (!(hashKey in r.values)) continue
      const id = JSON.stringify(config.map((k) => r.values[k]))
      const hash = JSON.stringify(r.values[hashKey])
      if (byConfig.has(id) && byConfig.get(id) !== hash) return false
      byConfig.set(id, hash)
    }
    return true
  }
  return [...config, ...keys.filter((k) => k.startsWith(PROMPT_SET_KEY) && !explained(k))]
}
