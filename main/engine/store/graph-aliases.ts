import type { Db } from './db'

/**
 * The alias table of a graph (shared by all its versions): a data set's class name → the graph key
 * it means. `source` says where a row came from (`shipped:ucf101`, `human`).
 */

export interface StoredAlias {
  alias: string
  key: string
  source: string
}

export function listGraphAliases(db: Db, graphName: string): StoredAlias[] {
  return db.prepare('SELECT alias, class_key AS key, source FROM kg_aliases WHERE graph_name = ? ORDER BY alias').all(graphName) as StoredAlias[]
}

/** Replaces the graph's whole table, in one transaction. */
export function replaceGraphAliases(db: Db, graphName: string, rows: readonly StoredAlias[]): void {
  db.transaction(() => {
    db.prepare('DELETE FROM kg_aliases WHERE graph_name = ?').run(graphName)
    const insert = db.prepare('INSERT INTO kg_aliases (graph_name, alias, class_key, source) VALUES (?, ?, ?, ?)')
    for (const r of rows) insert.run(graphName, r.alias, r.key, r.source)
  })()
}
