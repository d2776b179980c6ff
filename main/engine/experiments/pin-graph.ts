import type { Db } from '../store/db'
import { resolveGraphRef } from '../store/knowledge-graphs'
import { BUILTIN_SYNTH_GRAPH_REF } from '../text/graphs/eval-classes'
import { ensureBuiltinSynthGraph } from '../text/synth-graph'
import { diffFrom } from './diff'
import { DEFAULT_CONFIG, type ResolvedRun } from './resolve'
import type { ExperimentConfig } from './schema'

/**
 * A run's knowledge graph, fixed when it is queued: `builtin:synthmotion` and a bare graph name
 * (meaning its latest version) become `<name>@<version>`, so the frozen config says which version the
 * run used even after the graph is edited, Compare's config diff shows it, and the ablation pivot
 * never pools runs of different versions. `name@version` and `#id` are versions already. A run with
 * class-name prompts only (`promptSet: c`) reads no graph: a reference that names none stays as written.
 */
export function pinnedGraphRef(db: Db, config: Pick<ExperimentConfig, 'text'>): string {
  const ref = config.text.graph
  if (/^#\d+$/.test(ref) || /@\d+$/.test(ref)) return ref
  try {
    const graph = ref === BUILTIN_SYNTH_GRAPH_REF ? ensureBuiltinSynthGraph(db) : resolveGraphRef(db, ref)
    return `${graph.name}@${graph.version}`
  } catch (err) {
    if (config.text.promptSet === 'c') return ref
    throw err
  }
}

/** The run with its graph pinned (its diff from the defaults follows). */
export function pinRunGraph(db: Db, run: ResolvedRun): ResolvedRun {
  const graph = pinnedGraphRef(db, run.config)
  if (graph === run.config.text.graph) return run
  const config = { ...run.config, text: { ...run.config.text, graph } }
  return { ...run, config, diff: diffFrom(DEFAULT_CONFIG, config, ['name', 'description']) }
}
