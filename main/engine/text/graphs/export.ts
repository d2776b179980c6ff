import type { Db } from '../../store/db'
import { getGraph } from '../../store/knowledge-graphs'
import { exportAskgYaml, exportXpromptYaml } from '../io/authors-export'
import { exportGraphJson } from '../io/json-format'
import { authorsFileNames } from './import-files'

/** A version as files: the authors' two YAML files (their names, keys and field order), or the project's JSON. */
export function exportGraphFiles(db: Db, graphId: number, format: 'authors' | 'json'): { graph: string; files: { file: string; text: string }[] } {
  const g = getGraph(db, graphId)
  const graph = `${g.name}@${g.version}`
  if (format === 'json') {
    return { graph, files: [{ file: `${graph}.json`, text: exportGraphJson({ name: g.name, dataset: g.dataset, version: g.version, note: g.note, createdAt: g.createdAt, classes: g.classes }) }] }
  }
  const names = authorsFileNames(g.dataset)
  return { graph, files: [{ file: names.askg, text: exportAskgYaml(g.classes) }, { file: names.xprompt, text: exportXpromptYaml(g.classes) }] }
}
