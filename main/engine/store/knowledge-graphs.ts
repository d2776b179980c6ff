import { ContractError, type ContractIssue } from '../../../contract'
import { checkGraphClass } from '../text/askg/schema'
import type { ClassGraph, ClassProvenance, GraphClass } from '../text/askg/types'
import { nowIso, type Db } from './db'

/**
 * Versioned Action Semantic Knowledge Graphs. A graph is a (name, version) with one row per class in
 * `kg_classes`; an edit never changes a version, it writes a new one whose parent is the edited
 * version, so a run's prompt set keeps pointing at exactly what it used.
 */

export interface GraphVersionSummary {
  id: number
  name: string
  dataset: string
  version: number
  parentId: number | null
  note: string
  createdAt: string
  classCount: number
}

export interface GraphVersion extends GraphVersionSummary {
  classes: GraphClass[]
}

export interface NewGraph {
  name: string
  dataset: string
  note?: string
  classes: GraphClass[]
}

export interface ClassEdit {
  index: number
  graph: ClassGraph
  name?: string
  key?: string
  /** Defaults to `{ source: 'human', note }`. */
  provenance?: ClassProvenance
}

interface GraphRow {
  id: number
  name: string
  dataset: string
  version: number
  parent_id: number | null
  note: string
  created_at: string
  class_count: number
}

interface ClassRow {
  class_index: number
  class_name: string
  graph_json: string
  provenance_json: string
}

const SELECT_GRAPH = `SELECT g.*, (SELECT COUNT(*) FROM kg_classes c WHERE c.graph_id = g.id) AS class_count FROM knowledge_graphs g`

function toSummary(r: GraphRow): GraphVersionSummary {
  return { id: r.id, name: r.name, dataset: r.dataset, version: r.version, parentId: r.parent_id, note: r.note, createdAt: r.created_at, classCount: r.class_count }
}

function toClass(r: ClassRow): GraphClass {
  const stored = JSON.parse(r.graph_json) as { key: string; graph: ClassGraph }
  return { index: r.class_index, name: r.class_name, key: stored.key, graph: stored.graph, provenance: JSON.parse(r.provenance_json) as ClassProvenance }
}

/** Validates every class and the uniqueness of indices, names and keys; throws `invalid_input` naming each problem. */
export function validateClasses(classes: GraphClass[]): GraphClass[] {
  const issues: ContractIssue[] = []
  const out: GraphClass[] = []
  const seen = { index: new Set<number>(), name: new Set<string>(), key: new Set<string>() }
  for (const c of classes) {
    const r = checkGraphClass(c)
    if ('issues' in r) {
      issues.push(...r.issues.map((i) => ({ path: `${i.className}.${i.field}`, message: `${i.message} — ${i.fix}` })))
      continue
    }
    const dup = (['index', 'name', 'key'] as const).find((f) => (seen[f] as Set<unknown>).has(r.cls[f]))
    if (dup) issues.push({ path: `${r.cls.name}.${dup}`, message: `${dup} ${JSON.stringify(r.cls[dup])} is used by another class — give each class its own ${dup}` })
    ;(seen.index as Set<number>).add(r.cls.index)
    seen.name.add(r.cls.name)
    seen.key.add(r.cls.key)
    out.push(r.cls)
  }
  if (classes.length === 0) issues.push({ path: 'classes', message: 'a graph needs at least one class' })
  if (issues.length) throw new ContractError('invalid_input', `the graph has ${issues.length} problem(s): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues)
  return out
}

function insertVersion(db: Db, g: { name: string; dataset: string; version: number; parentId: number | null; note: string }, classes: GraphClass[]): number {
  const info = db
    .prepare('INSERT INTO knowledge_graphs (name, dataset, version, parent_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(g.name, g.dataset, g.version, g.parentId, g.note, nowIso())
  const id = Number(info.lastInsertRowid)
  const insert = db.prepare('INSERT INTO kg_classes (graph_id, class_index, class_name, graph_json, provenance_json) VALUES (?, ?, ?, ?, ?)')
  for (const c of classes) insert.run(id, c.index, c.name, JSON.stringify({ key: c.key, graph: c.graph }), JSON.stringify(c.provenance))
  return id
}

/** Creates version 1 of a new graph. */
export function createGraph(db: Db, g: NewGraph): GraphVersion {
  const classes = validateClasses(g.classes)
  if (!g.name.trim()) throw new ContractError('invalid_input', 'a graph needs a name')
  const id = db.transaction(() => {
    const exists = db.prepare('SELECT 1 FROM knowledge_graphs WHERE name = ?').get(g.name)
    if (exists) throw new ContractError('conflict', `a graph named "${g.name}" already exists; choose another name or add a version to it`)
    return insertVersion(db, { name: g.name, dataset: g.dataset, version: 1, parentId: null, note: g.note ?? '' }, classes)
  })()
  return getGraph(db, id)
}

/** Writes a new version of the parent's graph with the given classes (the whole list). */
export function addGraphVersion(db: Db, parentId: number, v: { classes: GraphClass[]; note?: string }): GraphVersion {
  const classes = validateClasses(v.classes)
  const id = db.transaction(() => {
    const parent = getGraphSummary(db, parentId)
    const { next } = db.prepare('SELECT MAX(version) + 1 AS next FROM knowledge_graphs WHERE name = ?').get(parent.name) as { next: number }
    return insertVersion(db, { name: parent.name, dataset: parent.dataset, version: next, parentId, note: v.note ?? '' }, classes)
  })()
  return getGraph(db, id)
}

/** Edits some classes of a version: the result is a new version (the parent is never changed). */
export function editGraphClasses(db: Db, parentId: number, edits: ClassEdit[], note = ''): GraphVersion {
  const parent = getGraph(db, parentId)
  const byIndex = new Map(parent.classes.map((c) => [c.index, c]))
  for (const e of edits) {
    const old = byIndex.get(e.index)
    const name = e.name ?? old?.name
    if (!name) throw new ContractError('invalid_input', `class ${e.index} is new in this edit and needs a name`)
    byIndex.set(e.index, {
      index: e.index,
      name,
      key: e.key ?? old?.key ?? name.toLowerCase(),
      graph: e.graph,
      provenance: e.provenance ?? { source: 'human', createdAt: nowIso(), ...(note ? { note } : {}) },
    })
  }
  return addGraphVersion(db, parentId, { classes: [...byIndex.values()].sort((a, b) => a.index - b.index), note })
}

export function getGraphSummary(db: Db, id: number): GraphVersionSummary {
  const row = db.prepare(`${SELECT_GRAPH} WHERE g.id = ?`).get(id) as GraphRow | undefined
  if (!row) throw new ContractError('not_found', `knowledge graph ${id} does not exist; see "stdd askg list"`)
  return toSummary(row)
}

export function getGraph(db: Db, id: number): GraphVersion {
  const summary = getGraphSummary(db, id)
  const rows = db.prepare('SELECT class_index, class_name, graph_json, provenance_json FROM kg_classes WHERE graph_id = ? ORDER BY class_index').all(id) as ClassRow[]
  return { ...summary, classes: rows.map(toClass) }
}

export function listGraphs(db: Db, f: { name?: string; dataset?: string } = {}): GraphVersionSummary[] {
  const where: string[] = []
  const params: unknown[] = []
  if (f.name !== undefined) {
    where.push('g.name = ?')
    params.push(f.name)
  }
  if (f.dataset !== undefined) {
    where.push('g.dataset = ?')
    params.push(f.dataset)
  }
  const sql = `${SELECT_GRAPH} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY g.name, g.version`
  return (db.prepare(sql).all(...params) as GraphRow[]).map(toSummary)
}

/** Finds a version by `name` (the latest), `name@3`, or `#12` (the row id). */
export function resolveGraphRef(db: Db, ref: string): GraphVersionSummary {
  const byId = /^#(\d+)$/.exec(ref)
  if (byId) return getGraphSummary(db, Number(byId[1]))
  const m = /^(.*?)(?:@(\d+))?$/.exec(ref)!
  const name = m[1]!
  const row = (
    m[2] !== undefined
      ? db.prepare(`${SELECT_GRAPH} WHERE g.name = ? AND g.version = ?`).get(name, Number(m[2]))
      : db.prepare(`${SELECT_GRAPH} WHERE g.name = ? ORDER BY g.version DESC LIMIT 1`).get(name)
  ) as GraphRow | undefined
  if (!row) {
    const names = (db.prepare('SELECT DISTINCT name FROM knowledge_graphs ORDER BY name').all() as { name: string }[]).map((r) => r.name)
    throw new ContractError('not_found', `no knowledge graph "${ref}"; the graphs are: ${names.length ? names.join(', ') : '(none yet — "stdd askg import" or "stdd askg generate")'}`)
  }
  return toSummary(row)
}

/** One class of a version, by index, name or key (case-insensitive). */
export function getGraphClass(db: Db, graphId: number, ref: string | number): GraphClass {
  const g = getGraph(db, graphId)
  const wanted = typeof ref === 'number' ? null : ref.trim().toLowerCase()
  const found = g.classes.find((c) => (wanted === null ? c.index === ref : c.name.toLowerCase() === wanted || c.key.toLowerCase() === wanted))
  if (!found) throw new ContractError('not_found', `class "${ref}" is not in ${g.name}@${g.version} (${g.classes.length} classes, e.g. ${g.classes.slice(0, 3).map((c) => `"${c.name}"`).join(', ')})`)
  return found
}

