import type { ConfigCondition, ConfigValue, RunsFilter, RunsGroupBy, RunsPageRow, RunsSort, SORT_FIELDS } from '../../../contract'
import { ContractError } from '../../../contract'
import { variantName } from '../export/variant'
import { configValuesOf, escapeLike } from './config-values'
import type { Db } from './db'
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

function conditionSql(c: ConfigCondition): Sql {
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

function whereSql(f: RunsFilter): Sql {
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
  for (const c of f.conditions ?? []) {
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
  const column = (COLUMN_SORT as Record<string, string | undefined>)[sort.key]
  if (!column) throw new ContractError('invalid_input', `cannot sort the runs by "${sort.key}"; sort by ${Object.keys(COLUMN_SORT).join(', ')}, config:<key> or metric:<name>`)
  return { join: noJoin, order: { text: `${column} IS NULL, ${column} ${dir}, r.id ${dir}`, params: [] } }
}

export function runsPage(db: Db, q: RunsPageQuery): RunsPage {
  registerVariantFunction(db)
  const where = whereSql(q.filter)
  const from = 'FROM runs r JOIN experiments e ON e.id = r.experiment_id'
  const total = (db.prepare(`SELECT COUNT(*) AS n ${from} ${where.text}`).get(...where.params) as { n: number }).n

  const anyStatus = whereSql({ ...q.filter, status: undefined })
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
  return {
    rows: rows.map((r) => ({ ...getRunSummary(db, r.id), config: values.get(r.id) ?? {}, group: r.grp })),
    total,
    statusCounts,
    groups,
  }
}

/** Every config key of the given runs with one value per run (null where a run lacks it), and whether the values differ. */
export function compareConfigs(db: Db, runIds: readonly number[]): { key: string; values: ConfigValue[]; differs: boolean }[] {
  const values = configValuesOf(db, runIds)
  const keys = [...new Set([...values.values()].flatMap((v) => Object.keys(v)))].sort()
  return keys.map((key) => {
    const row = runIds.map((id) => values.get(id)?.[key] ?? null)
    return { key, values: row, differs: new Set(row.map((v) => JSON.stringify(v))).size > 1 }
  })
}
