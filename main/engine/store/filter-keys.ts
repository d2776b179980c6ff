import { ContractError, type ConfigCondition } from '../../../contract'
import { editDistance } from '../text/aliases/resolve'
import type { Db } from './db'

/** A filter condition on a config key, or on the final value of the metrics a key names. */
export type ResolvedCondition = { kind: 'config'; condition: ConfigCondition } | { kind: 'metric'; condition: ConfigCondition; metrics: string[] }

/** Every metric name stored, read at most once a few seconds per database (a scan of the metrics table). */
const metricNamesCache = new WeakMap<Db, { at: number; names: string[] }>()
const METRIC_NAMES_TTL_MS = 3000
export function metricNames(db: Db): string[] {
  const cached = metricNamesCache.get(db)
  if (cached && Date.now() - cached.at < METRIC_NAMES_TTL_MS) return cached.names
  const names = (db.prepare('SELECT DISTINCT name FROM metrics ORDER BY name').all() as { name: string }[]).map((r) => r.name)
  metricNamesCache.set(db, { at: Date.now(), names })
  return names
}

/**
 * The metrics a filter key names: `eval/ucf101/ep3/top1` or `eval.ucf101.ep3.top1` (dots for
 * slashes) exactly, or every metric ending in that path (`top1` → each evaluation's top-1).
 */
export function metricsNamed(key: string, names: readonly string[]): string[] {
  const path = key.replace(/\./g, '/')
  const exact = names.filter((n) => n === key || n === path)
  return exact.length ? exact : names.filter((n) => n.endsWith(`/${path}`))
}

function nearest(key: string, candidates: readonly string[], count = 3): string[] {
  return [...candidates]
    .map((c) => ({ c, d: editDistance(key.toLowerCase(), c.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, count)
    .map((x) => x.c)
}

/**
 * Decides for each condition whether it is on a config key (any run's frozen config has it) or on
 * metrics; a key that is neither is an error naming it and the nearest keys, never "no run matches".
 */
export function resolveConditions(db: Db, conditions: readonly ConfigCondition[]): ResolvedCondition[] {
  const hasConfigKey = db.prepare('SELECT 1 FROM run_config WHERE key = ? LIMIT 1').pluck()
  return conditions.map((condition, i) => {
    if (hasConfigKey.get(condition.key)) return { kind: 'config', condition }
    const metrics = metricsNamed(condition.key, metricNames(db))
    if (metrics.length) {
      if (typeof condition.value !== 'number') {
        throw new ContractError('invalid_input', `the filter ${condition.key}${condition.op}${String(condition.value)} compares a metric with "${String(condition.value)}"; compare it with a number`, [
          { path: `filter.conditions.${i}.value`, message: 'must be a number for a metric' },
        ])
      }
      return { kind: 'metric', condition, metrics }
    }
    const keys = (db.prepare('SELECT DISTINCT key FROM run_config').pluck().all() as string[]).concat(metricNames(db))
    const near = nearest(condition.key, keys)
    throw new ContractError(
      'invalid_input',
      `the filter names "${condition.key}", which is no config key and no metric of any run${near.length ? `; did you mean ${near.map((k) => `"${k}"`).join(', ')}?` : ''}`,
      [{ path: `filter.conditions.${i}.key`, message: `unknown key "${condition.key}"` }],
    )
  })
}
