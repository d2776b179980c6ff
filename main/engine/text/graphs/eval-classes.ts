import type { Db } from '../../store/db'
import { listGraphAliases } from '../../store/graph-aliases'
import { getGraph, resolveGraphRef } from '../../store/knowledge-graphs'
import { resolveClassNames } from '../aliases/resolve'
import type { GraphClass } from '../askg/types'
import { ensureBuiltinSynthGraph } from '../synth-graph'

/** The graph reference of an experiment's `text.graph` that means the built-in SynthMotion graph. */
export const BUILTIN_SYNTH_GRAPH_REF = 'builtin:synthmotion'

/**
 * The classes an evaluation's class names (index = label) get from the configured graph version:
 * through the graph's alias table, then by name or key; a name that matches nothing is an error
 * listing the nearest keys. Each class carries the data set's name, so prompts use it.
 */
export function graphClassesForEval(db: Db, graphRef: string, names: readonly string[]): { graphId: number; classes: GraphClass[] } {
  const graph = graphRef === BUILTIN_SYNTH_GRAPH_REF ? ensureBuiltinSynthGraph(db) : getGraph(db, resolveGraphRef(db, graphRef).id)
  return { graphId: graph.id, classes: resolveClassNames(`"${graphRef}" (${graph.name}@${graph.version})`, graph.classes, listGraphAliases(db, graph.name), names) }
}
