import { ContractError } from '../../../../contract'
import type { Db } from '../../store/db'
import { getGraph, getGraphClass, listGraphs, resolveGraphRef, type GraphVersion, type GraphVersionSummary } from '../../store/knowledge-graphs'
import { listGraphAliases, type StoredAlias } from '../../store/graph-aliases'
import { CLASS_SOURCES, type ClassSource, type GraphClass } from '../askg/types'

/**
 * The knowledge-graph library as the faces see it (GUI handlers and CLI alike): versions with their
 * provenance, one version's classes, the class a reference names. No face touches the store itself.
 */

export interface GraphVersionInfo extends GraphVersionSummary {
  /** Classes per source (import, llm, human, built-in). */
  sources: Record<ClassSource, number>
  /** The LLMs behind its llm classes, and the files behind its imported ones. */
  models: string[]
  files: string[]
}

export function describeVersion(g: GraphVersionSummary): string {
  return `${g.name}@${g.version} (${g.dataset}, ${g.classCount} classes${g.parentId !== null ? `, parent #${g.parentId}` : ''})`
}

function provenanceSummary(classes: GraphClass[]): Pick<GraphVersionInfo, 'sources' | 'models' | 'files'> {
  const sources = Object.fromEntries(CLASS_SOURCES.map((s) => [s, 0])) as Record<ClassSource, number>
  const models = new Set<string>()
  const files = new Set<string>()
  for (const c of classes) {
    sources[c.provenance.source]++
    if (c.provenance.model) models.add(c.provenance.model)
    for (const f of c.provenance.files ?? []) files.add(f)
  }
  return { sources, models: [...models], files: [...files] }
}

export function listGraphVersions(db: Db, f: { name?: string; dataset?: string } = {}): GraphVersionInfo[] {
  return listGraphs(db, f).map((s) => ({ ...s, ...provenanceSummary(getGraph(db, s.id).classes) }))
}

export function getGraphVersion(db: Db, id: number): GraphVersion & { aliases: StoredAlias[] } {
  const g = getGraph(db, id)
  return { ...g, aliases: listGraphAliases(db, g.name) }
}

/** `REF` (NAME, NAME@VERSION, #ID), or the only graph there is. */
export function pickGraphVersion(db: Db, ref?: string): GraphVersionSummary {
  if (ref !== undefined) return resolveGraphRef(db, ref)
  const names = [...new Set(listGraphs(db).map((g) => g.name))]
  if (names.length === 1) return resolveGraphRef(db, names[0]!)
  throw new ContractError(
    'invalid_input',
    names.length === 0
      ? 'there is no knowledge graph yet; create one with "stdd askg import", "stdd askg generate" or "stdd askg builtin"'
      : `several graphs exist (${names.join(', ')}); choose one with --graph NAME[@VERSION]`,
  )
}

/** One class of a version by index, name or key. */
export function graphClassByRef(db: Db, graphId: number, ref: string | number): GraphClass {
  return getGraphClass(db, graphId, ref)
}

/** The latest version of a graph name, if any. */
export function latestVersionOf(db: Db, name: string): GraphVersionSummary | undefined {
  return listGraphs(db, { name }).pop()
}
