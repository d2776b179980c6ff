import type { ConfigCondition, ConfigValue, RunsFilter, RunsGroupBy, RunsPageRow, RunsSort, SORT_FIELDS } from '../../../contract'
import { ContractError } from '../../../contract'
import { variantName } from '../export/variant'
import { configValuesOf, escapeLike } from './config-values'
import { resolveConditions, type ResolvedCondition } from './filter-keys'
import type { Db } from './db'
import { promptSetHashes } from './run-prompt-sets'
import { getRunSummary } from './runs'
import { placeholders } from './sql'

/**
 * One page of the runs table: filter, group, sort (on a column, a config key through the indexed
 * `run_config` table, or a metric's latest value), offset/limit. Only the page's rows are read in full.
 */
export interface RunsPageQuery {
  offset: number
  limit: number
  sort: RunsSort
  filter: RunsFilter
  groupBy: RunsGroupBy
  columns: string[]
  metrics: string[]
}

export interface RunsPage {
  rows: RunsPageRow[]
  total: number
  statusCounts: Record<string, number>
  groups: { label: string; count: number }[]
}

const COLUMN_SORT: Record<(typeof SORT_FIELDS)[number], string> = {
  id: 'r.id',
  name: 'r.name COLLATE NOCASE',
  experiment: 'e.name COLLATE NOCASE',
  status: 'r.status',
  seed: 'r.seed',
  createdAt: 'r.created_at',
  startedAt: 'r.started_at',
  finishedAt: 'r.finished_at',
}

const GROUP_EXPR: Record<NonNullable<RunsGroupBy>, string> = {
  experiment: 'e.name',
  variant: "e.name || ' / ' || stdd_variant(r.name)",
}

const withVariantFunction = new WeakSet<Db>()
function registerVariantFunction(db: Db): void {
  if (withVariantFunction.has(db)) return
  db.function('stdd_variant', { deterministic: true }, (name: unknown) => variantName(String(name)) ?? 'default')
  withVariantFunction.add(db)
}

interface Sql {
  text: string
  params: unknown[]
}

/** The final value (latest step) of one of the metrics, compared: true when any of them holds. */
function metricConditionSql(c: ConfigCondition, metrics: readonly string[]): Sql {
  return {
    text: `EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = r.id AND m.name IN (${placeholders(metrics)})
             AND m.step = (SELECT MAX(m2.step) FROM metrics m2 WHERE m2.run_id = m.run_id AND m2.name = m.name) AND m.value ${c.op} ?)`,
    params: [...metrics, c.value],
  }
}

function conditionSql(resolved: ResolvedCondition): Sql {
  if (resolved.kind === 'metric') return metricConditionSql(resolved.condition, resolved.metrics)
  const c = resolved.condition
  const base = 'SELECT 1 FROM run_config c WHERE c.run_id = r.id AND c.key = ?'
  if (typeof c.value === 'boolean' || c.value === null) {
    if (c.op !== '=' && c.op !== '!=') throw new ContractError('invalid_input', `the condition ${c.key}${c.op}${String(c.value)} compares with ${String(c.value)}; use = or != for true, false and null`)
    const sql = `EXISTS (${base} AND c.json_type = ?)`
    return { text: c.op === '=' ? sql : `NOT ${sql}`, params: [c.key, c.value === null ? 'null' : String(c.value)] }
  }
  if (c.op === '=') return { text: `EXISTS (${base} AND c.value = ?)`, params: [c.key, c.value] }
  if (c.op === '!=') return { text: `NOT EXISTS (${base} AND c.value = ?)`, params: [c.key, c.value] }
  // An order comparison only between numbers, or only between texts (SQLite puts every number before every text).
  const types = typeof c.value === 'number' ? "('integer', 'real')" : "('text')"
  return { text: `EXISTS (${base} AND c.json_type IN ${types} AND c.value ${c.op} ?)`, params: [c.key, c.value] }
}

function whereSql(f: RunsFilter, conditions: readonly ResolvedCondition[]): Sql {
  const parts: string[] = []
  const params: unknown[] = []
  const inList = (column: string, values: readonly unknown[]) => {
    parts.push(`${column} IN (${placeholders(values)})`)
    params.push(...values)
  }
  if (f.status?.length) inList('r.status', f.status)
  if (f.experimentIds?.length) inList('r.experiment_id', f.experimentIds)
  if (f.runIds) inList('r.id', f.runIds.length ? f.runIds : [0])
  const text = f.text?.trim()
  if (text) {
    const like = `%${escapeLike(text)}%`
    parts.push("(r.name LIKE ? ESCAPE '\\' OR e.name LIKE ? ESCAPE '\\' OR r.id = ?)")
    params.push(like, like, /^\d+$/.test(text) ? Number(text) : -1)
  }
  if (f.archived !== 'include') parts.push(f.archived === 'only' ? 'r.archived_at IS NOT NULL' : 'r.archived_at IS NULL')
  for (const tag of f.tags ?? []) {
    parts.push('EXISTS (SELECT 1 FROM json_each(r.tags_json) t WHERE t.value = ?)')
    params.push(tag)
  }
  for (const c of conditions) {
    const s = conditionSql(c)
    parts.push(s.text)
    params.push(...s.params)
  }
  return { text: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params }
}

/** The ORDER BY of a sort: the value first (missing values last), then the id for a stable order. */
function orderSql(sort: RunsSort): { join: Sql; order: Sql } {
  const dir = sort.dir === 'asc' ? 'ASC' : 'DESC'
  const noJoin = { text: '', params: [] }
  if (sort.key.startsWith('config:')) {
    return {
      join: { text: 'LEFT JOIN run_config sc ON sc.run_id = r.id AND sc.key = ?', params: [sort.key.slice('config:'.length)] },
      order: { text: `sc.value IS NULL, sc.value ${dir}, r.id ${dir}`, params: [] },
    }
  }
  if (sort.key.startsWith('metric:')) {
    const latest = '(SELECT m.value FROM metrics m WHERE m.run_id = r.id AND m.name = ? ORDER BY m.step DESC LIMIT 1)'
    return { join: noJoin, order: { text: `${latest} IS NULL, ${latest} ${dir}, r.id ${dir}`, params: Array(2).fill(sort.key.slice('metric:'.length)) } }
  }
  if (sort.key.startsWith('best:')) {
    const name = sort.key.slice('best:'.length)
    const best = `(SELECT ${lowerIsBetter(name) ? 'MIN' : 'MAX'}(m.value) FROM metrics m WHERE m.run_id = r.id AND m.name = ?)`
    return { join: noJoin, order: { text: `${best} IS NULL, ${best} ${dir}, r.id ${dir}`, params: [name, name] } }
  }
  const column = (COLUMN_SORT as Record<string, string | undefined>)[sort.key]
  if (!column) throw new ContractError('invalid_input', `cannot sort the runs by "${sort.key}"; sort by ${Object.keys(COLUMN_SORT).join(', ')}, config:<key> or metric:<name>`)
  return { join: noJoin, order: { text: `${column} IS NULL, ${column} ${dir}, r.id ${dir}`, params: [] } }
}

export function runsPage(db: Db, q: RunsPageQuery): RunsPage {
  registerVariantFunction(db)
  const conditions = resolveConditions(db, q.filter.conditions ?? [])
  const where = whereSql(q.filter, conditions)
  const from = 'FROM runs r JOIN experiments e ON e.id = r.experiment_id'
  const total = (db.prepare(`SELECT COUNT(*) AS n ${from} ${where.text}`).get(...where.params) as { n: number }).n

  const anyStatus = whereSql({ ...q.filter, status: undefined }, conditions)
  const statusCounts = Object.fromEntries(
    (db.prepare(`SELECT r.status, COUNT(*) AS n ${from} ${anyStatus.text} GROUP BY r.status`).all(...anyStatus.params) as { status: string; n: number }[]).map((r) => [r.status, r.n]),
  )
  const group = q.groupBy ? GROUP_EXPR[q.groupBy] : null
  const groups = group
    ? (db.prepare(`SELECT ${group} AS label, COUNT(*) AS count ${from} ${where.text} GROUP BY label ORDER BY label`).all(...where.params) as { label: string; count: number }[])
    : []

  const { join, order } = orderSql(q.sort)
  const rows = db
    .prepare(`SELECT r.id, ${group ?? 'NULL'} AS grp ${from} ${join.text} ${where.text} ORDER BY ${group ? `${group}, ` : ''}${order.text} LIMIT ? OFFSET ?`)
    .all(...join.params, ...where.params, ...order.params, q.limit, q.offset) as { id: number; grp: string | null }[]

  const values = configValuesOf(db, rows.map((r) => r.id), q.columns)
  const best = bestValues(db, rows.map((r) => r.id), q.metrics)
  return {
    rows: rows.map((r) => ({ ...getRunSummary(db, r.id), config: values.get(r.id) ?? {}, group: r.grp, best: best.get(r.id) ?? {} })),
    total,
    statusCounts,
    groups,
  }
}

/** Losses, error and skip counts are better low; accuracies and everything else high. */
export function lowerIsBetter(metric: string): boolean {
  return /loss|(^|\/)(ce|fd|missing|broken|skipped|unusable_pct)$/.test(metric)
}

/** Each run's best value of each metric over all its steps. */
function bestValues(db: Db, runIds: readonly number[], metrics: readonly string[]): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>()
  if (!runIds.length || !metrics.length) return out
  const rows = db
    .prepare(`SELECT run_id, name, MIN(value) AS lo, MAX(value) AS hi FROM metrics WHERE run_id IN (${placeholders(runIds)}) AND name IN (${placeholders(metrics)}) GROUP BY run_id, name`)
    .all(...runIds, ...metrics) as { run_id: number; name: string; lo: number; hi: number }[]
  for (const r of rows) out.set(r.run_id, { ...out.get(r.run_id), [r.name]: lowerIsBetter(r.name) ? r.lo : r.hi })
  return out
}

/**
 * Every config key of the given runs with one value per run (null where a run lacks it), and whether
 * the values differ; besides the config, the prompt set each run used per target (`promptSetHash.…`).
 */
export function compareConfigs(db: Db, runIds: readonly number[]): { key: string; values: ConfigValue[]; differs: boolean }[] {
  const values = configValuesOf(db, runIds)
  for (const [id, hashes] of promptSetHashes(db, runIds)) Object.assign(values.get(id)!, hashes)
  const keys = [...new Set([...values.values()].flatMap((v) => Object.keys(v)))].sort()
  return keys.map((key) => {
    const row = runIds.map((id) => values.get(id)?.[key] ?? null)
    return { key, values: row, differs: new Set(row.map((v) => JSON.stringify(v))).size > 1 }
  })
}
