import { describeVersion, graphClassByRef, pickGraphVersion } from '../../engine/text/graphs/library'
import { formatTriple } from '../../engine/text/askg/triples'
import { TRIPLE_KINDS, triplesOf, type GraphClass, type TripleKind } from '../../engine/text/askg/types'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'
import { withDatabase } from './askg-common'

const TITLES: Record<TripleKind, string> = { oo: 'object–object relations [S]', ao: 'action–object relations [S]', aa: 'action–action relations [T]' }

/** The class as text: lists, then each triple beside its clause. */
export function formatGraphClass(c: GraphClass): string {
  const g = c.graph
  const lines = [`${c.name}  (index ${c.index}, key "${c.key}", label "${g.label}")`, '', `objects: ${g.objects.join(', ') || '(none)'}`, 'sub-actions, in order:', ...g.subActions.map((s, i) => `  ${i + 1}. ${s}`)]
  for (const kind of TRIPLE_KINDS) {
    const triples = triplesOf(g, kind)
    const clauses = g.clauses[kind]
    lines.push('', `${TITLES[kind]}:`)
    const n = Math.max(triples.length, clauses.length)
    if (n === 0) lines.push('  (none)')
    for (let i = 0; i < n; i++) lines.push(`  ${triples[i] ? formatTriple(triples[i]!) : '(no triple)'}  →  ${clauses[i] ?? '(no clause)'}`)
  }
  const p = c.provenance
  lines.push('', `source: ${p.source}, ${p.createdAt}`)
  if (p.model) lines.push(`model: ${p.model} at ${p.endpoint ?? '?'}`)
  if (p.stages?.graph) lines.push(`graph stage: temperature ${p.stages.graph.temperature}, ${p.stages.graph.rawResponses.length} answer(s)${p.stages.graph.cached ? ', from the cache' : ''}`)
  if (p.stages?.clauses) lines.push(`clause stage: temperature ${p.stages.clauses.temperature}, ${p.stages.clauses.rawResponses.length} answer(s)${p.stages.clauses.cached ? ', from the cache' : ''}`)
  if (p.files) lines.push(`files: ${p.files.join(', ')}`)
  if (p.note) lines.push(`note: ${p.note}`)
  for (const w of p.warnings ?? []) lines.push(`warning: ${w}`)
  return lines.join('\n')
}

export const askgShowCommand: CliCommand = {
  name: 'askg show',
  summary: "one class's knowledge graph: objects, ordered sub-actions, triples with their clauses, provenance",
  usage: 'CLASS [--graph NAME[@VERSION]] [--json]',
  details: ['CLASS            class name, key or index', '--graph REF      NAME (latest version), NAME@VERSION or #ID (default: the only graph)', '--json           print the class with its full provenance (prompts and raw answers)', ...ENGINE_OPTION_HELP],
  options: { graph: { type: 'string' }, json: { type: 'boolean' }, ...ENGINE_OPTIONS },
  positionals: true,
  async run({ values, positionals }, { io }) {
    if (positionals.length === 0) throw new CliUsageError('give the class (name, key or index)')
    const ref = positionals.join(' ')
    return withDatabase(values, (db) => {
      const g = pickGraphVersion(db, values.graph as string | undefined)
      const c = graphClassByRef(db, g.id, /^\d+$/.test(ref) ? Number(ref) : ref)
      io.out(values.json ? JSON.stringify(c, null, 2) : `${describeVersion(g)}\n\n${formatGraphClass(c)}`)
      return 0
    })
  },
}
