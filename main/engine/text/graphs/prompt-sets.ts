import type { Db } from '../../store/db'
import { listGraphAliases } from '../../store/graph-aliases'
import { getGraph, type GraphVersion } from '../../store/knowledge-graphs'
import { savePromptSet } from '../../store/prompt-sets'
import { UnmatchedClassError, findClass, matchableNames, nearestKeys } from '../aliases/resolve'
import { buildPromptSet, type PromptSet, type PromptSetOptions } from '../prompts/build'

/** A version's prompt set (`stdd prompts show`), optionally stored, and its classes found by data-set name. */

export interface VersionPromptSet {
  graph: GraphVersion
  set: PromptSet
  /** The stored row, when asked to save. */
  saved: { id: number; created: boolean } | null
}

export function versionPromptSet(db: Db, graphId: number, o: Omit<PromptSetOptions, 'dataset'> & { dataset?: string; save?: boolean }): VersionPromptSet {
  const graph = getGraph(db, graphId)
  const set = buildPromptSet(graph.classes, { ...o, dataset: o.dataset ?? graph.dataset })
  const stored = o.save ? savePromptSet(db, graph.id, set) : null
  return { graph, set, saved: stored ? { id: stored.id, created: stored.created } : null }
}

/** The index of the version's class a name (data-set name, alias, key or index) means; unmatched → the nearest keys. */
export function classIndexForName(db: Db, graph: GraphVersion, name: string): number {
  if (/^\d+$/.test(name.trim()) && graph.classes.some((c) => c.index === Number(name))) return Number(name)
  const aliases = listGraphAliases(db, graph.name)
  const c = findClass(graph.classes, aliases, name)
  if (!c) throw new UnmatchedClassError(`${graph.name}@${graph.version}`, [{ name, nearest: nearestKeys(name, matchableNames(graph.classes, aliases)) }])
  return c.index
}
