import { listGraphVersions } from '../../engine/text/graphs/library'
import { formatTable } from '../format'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS } from '../global-options'
import type { CliCommand } from '../types'
import { withDatabase } from './askg-common'

/** `import 3, human 1`: the non-zero class counts per source. */
function sourceSummary(sources: Record<string, number>): string {
  return Object.entries(sources)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')
}

export const askgListCommand: CliCommand = {
  name: 'askg list',
  summary: 'list the knowledge graph versions',
  usage: '[--dataset DS] [--json]',
  details: ['--dataset DS     only graphs for this data set', '--json           print JSON', ...ENGINE_OPTION_HELP],
  options: { dataset: { type: 'string' }, json: { type: 'boolean' }, ...ENGINE_OPTIONS },
  async run({ values }, { io }) {
    return withDatabase(values, (db) => {
      const graphs = listGraphVersions(db, typeof values.dataset === 'string' ? { dataset: values.dataset } : {})
      if (values.json) io.out(JSON.stringify(graphs, null, 2))
      else if (graphs.length === 0) io.out('No knowledge graphs yet: "stdd askg import FILE…", "stdd askg generate …" or "stdd askg builtin".')
      else
        io.out(
          formatTable(
            ['id', 'graph', 'dataset', 'classes', 'parent', 'created', 'sources', 'note'],
            graphs.map((g) => [String(g.id), `${g.name}@${g.version}`, g.dataset, String(g.classCount), g.parentId === null ? '' : `#${g.parentId}`, g.createdAt.slice(0, 19).replace('T', ' '), sourceSummary(g.sources), g.note]),
          ),
        )
      return 0
    })
  },
}
