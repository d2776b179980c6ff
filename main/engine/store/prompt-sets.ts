import { ContractError } from '../../../contract'
import type { PromptSet } from '../text/prompts/build'
import { nowIso, type Db } from './db'

/**
 * Prompt sets, content-addressed by their hash: saving the same prompts twice gives the same row.
 * `graph_id` is the graph version the set was first built from; runs reference the set's row.
 */

export interface StoredPromptSet {
  id: number
  hash: string
  graphId: number | null
  createdAt: string
  set: PromptSet
}

interface Row {
  id: number
  hash: string
  graph_id: number | null
  kind: string
  template_style: string
  prompts_json: string
  created_at: string
}

function toStored(r: Row): StoredPromptSet {
  return { id: r.id, hash: r.hash, graphId: r.graph_id, createdAt: r.created_at, set: JSON.parse(r.prompts_json) as PromptSet }
}

/** Stores a prompt set (or finds it by hash). */
export function savePromptSet(db: Db, graphId: number | null, set: PromptSet): StoredPromptSet & { created: boolean } {
  return db.transaction(() => {
    const existing = db.prepare('SELECT * FROM prompt_sets WHERE hash = ?').get(set.hash) as Row | undefined
    if (existing) return { ...toStored(existing), created: false }
    const info = db
      .prepare('INSERT INTO prompt_sets (hash, graph_id, kind, template_style, prompts_json, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(set.hash, graphId, set.kind, set.templateStyle, JSON.stringify(set), nowIso())
    return { ...getPromptSet(db, Number(info.lastInsertRowid)), created: true }
  })()
}

export function getPromptSet(db: Db, id: number): StoredPromptSet {
  const row = db.prepare('SELECT * FROM prompt_sets WHERE id = ?').get(id) as Row | undefined
  if (!row) throw new ContractError('not_found', `prompt set ${id} does not exist`)
  return toStored(row)
}

/** By full hash or a unique prefix of at least 8 hex digits. */
export function getPromptSetByHash(db: Db, hash: string): StoredPromptSet {
  const h = hash.trim().toLowerCase()
  if (!/^[0-9a-f]{8,64}$/.test(h)) throw new ContractError('invalid_input', `"${hash}" is not a prompt-set hash (8 to 64 hex digits)`)
  const rows = db.prepare('SELECT * FROM prompt_sets WHERE hash LIKE ? LIMIT 2').all(`${h}%`) as Row[]
  if (rows.length === 0) throw new ContractError('not_found', `no prompt set with hash ${hash}`)
  if (rows.length > 1) throw new ContractError('conflict', `hash prefix ${hash} matches several prompt sets; give more digits`)
  return toStored(rows[0]!)
}

export interface RunUsingGraph {
  runId: number
  runName: string
  experimentName: string
  status: string
  createdAt: string
  /** The prompt set it was evaluated with (null while it has not reached evaluation). */
  promptSetHash: string | null
  promptSetKind: string | null
}

/**
 * The runs that used a graph version: evaluated with a prompt set built from it, or configured with
 * it (`text.graph` = `name@version` or `#id`) and not evaluated yet. Newest first.
 */
export function runsUsingGraph(db: Db, graph: { id: number; name: string; version: number }): RunUsingGraph[] {
  return db
    .prepare(
      `SELECT r.id AS runId, r.name AS runName, e.name AS experimentName, r.status, r.created_at AS createdAt,
              p.hash AS promptSetHash, p.kind AS promptSetKind
       FROM runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN prompt_sets p ON p.id = r.prompt_set_id
       WHERE p.graph_id = ?
          OR (r.prompt_set_id IS NULL AND r.id IN (SELECT run_id FROM run_config WHERE key = 'text.graph' AND value IN (?, ?)))
       ORDER BY r.id DESC`,
    )
    .all(graph.id, `${graph.name}@${graph.version}`, `#${graph.id}`) as RunUsingGraph[]
}
