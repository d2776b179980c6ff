import type { Db } from '../../store/db'
import { getGraph, resolveGraphRef, type GraphVersion } from '../../store/knowledge-graphs'
import { resolveClassNames, type ClassAlias } from '../aliases/resolve'
import type { GraphClass } from '../askg/types'
import { ensureBuiltinSynthGraph } from '../synth-graph'

/** The graph reference of an experiment's `text.graph` that means the built-in SynthMotion graph. */
export const BUILTIN_SYNTH_GRAPH_REF = 'builtin:synthmotion'

export type GraphAlias = ClassAlias

/** The graph version `graphRef` names (the built-in SynthMotion graph is created on first use). */
export function resolveEvalGraph(db: Db, graphRef: string): GraphVersion {
  return graphRef === BUILTIN_SYNTH_GRAPH_REF ? ensureBuiltinSynthGraph(db) : getGraph(db, resolveGraphRef(db, graphRef).id)
}

/**
 * The classes an evaluation's class names (index = label) get from a graph version: through the
 * graph's alias table, then by name or key; a name that matches nothing is an error listing the
 * nearest keys. Each class carries the data set's name, so prompts use it.
 */
export function graphClassesOf(graphRef: string, graph: Pick<GraphVersion, 'id' | 'name' | 'version' | 'classes'>, aliases: readonly GraphAlias[], names: readonly string[]): { graphId: number; classes: GraphClass[] } {
  return { graphId: graph.id, classes: resolveClassNames(`"${graphRef}" (${graph.name}@${graph.version})`, graph.classes, aliases, names) }
}

