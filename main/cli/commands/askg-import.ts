import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { ContractError } from '../../../contract'
import { addGraphVersion, createGraph, getGraph, listGraphs } from '../../engine/store/knowledge-graphs'
import { formatIssue, type GraphClass } from '../../engine/text/askg/types'
import { importAuthorsFiles, type AuthorsImportInput } from '../../engine/text/io/authors-import'
import { detectAuthorsFile, parseAskgFile, parseXpromptFile } from '../../engine/text/io/authors-yaml'
import { isGraphJson, parseGraphJson } from '../../engine/text/io/json-format'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'
import { datasetFromFileName, describeGraph, readClassList, withDatabase } from './askg-common'

/**
 * A JSON export edited by hand and imported back: classes whose graph changed but whose provenance
 * was left as exported are marked as human edits (the previous provenance is the parent version's).
 */
export function markHumanEdits(parent: GraphClass[], classes: GraphClass[], file: string): GraphClass[] {
  const before = new Map(parent.map((c) => [c.index, c]))
  return classes.map((c) => {
    const old = before.get(c.index)
    const changed = !old || JSON.stringify(old.graph) !== JSON.stringify(c.graph) || old.name !== c.name
    const sameProvenance = old && JSON.stringify(old.provenance) === JSON.stringify(c.provenance)
    return changed && sameProvenance ? { ...c, provenance: { source: 'human', createdAt: new Date().toISOString(), note: `edited in ${file}` } } : c
  })
}

export const askgImportCommand: CliCommand = {
  name: 'askg import',
  summary: "import a knowledge graph: the paper authors' classes_ASKG_<ds>.yml and/or classes_xprompt_<ds>.yml, or a JSON export",
  usage: 'FILE [FILE] [--name NAME] [--dataset DS] [--classes FILE]',
  details: [
    'FILE             classes_ASKG_<ds>.yml, classes_xprompt_<ds>.yml (one of each at most), or a "stdd askg export --format json" file',
    '--name NAME      graph name (default: <ds>-authors, or the name in the JSON); an existing name gets a new version',
    '--dataset DS     data set (default: from the file name, e.g. hmdb51)',
    '--classes FILE   the data set class names in class-index order (one per line, or classes_label_<ds>.yml);',
    '                 by default each class is named by its key in the file',
    ...ENGINE_OPTION_HELP,
  ],
  options: { name: { type: 'string' }, dataset: { type: 'string' }, classes: { type: 'string' }, ...ENGINE_OPTIONS },
  positionals: true,
  async run({ values, positionals }, { io }) {
    if (positionals.length === 0) throw new CliUsageError('give the file(s) to import')
    const texts = positionals.map((file) => ({ file, text: readFileSync(file, 'utf8') }))
    let classes
    let dataset = typeof values.dataset === 'string' ? values.dataset : null
    let name = typeof values.name === 'string' ? values.name : null
    let note: string
    let warnings: string[] = []
    const json = texts.filter((t) => isGraphJson(t.text))
    if (json.length) {
      if (texts.length > 1) throw new CliUsageError('a JSON export is imported on its own')
      const doc = parseGraphJson(json[0]!.text, json[0]!.file)
      classes = doc.classes
      dataset ??= doc.dataset
      name ??= doc.name
      note = `imported from ${basename(json[0]!.file)} (${doc.name}@${doc.version})`
    } else {
      const input: AuthorsImportInput = {}
      for (const { file, text } of texts) {
        const kind = detectAuthorsFile(text, file)
        if (input[kind]) throw new CliUsageError(`two ${kind === 'askg' ? 'ASKG' : 'xprompt'} files given; import one of each at most`)
        if (kind === 'askg') input.askg = { file: basename(file), parsed: parseAskgFile(text, file) }
        else input.xprompt = { file: basename(file), parsed: parseXpromptFile(text, file) }
        dataset ??= datasetFromFileName(file)
      }
      if (typeof values.classes === 'string') input.classNames = readClassList(values.classes)
      const r = importAuthorsFiles(input)
      if (r.issues.length) {
        io.err(`nothing imported: ${r.issues.length} problem(s)\n  ${r.issues.map(formatIssue).join('\n  ')}`)
        return 1
      }
      classes = r.classes
      warnings = r.warnings
      note = `imported from ${texts.map((t) => basename(t.file)).join(' + ')}`
    }
    if (!dataset) throw new CliUsageError('cannot tell the data set from the file names; give --dataset')
    name ??= `${dataset}-authors`
    const graphName = name
    const graphDataset = dataset
    return withDatabase(values, (db) => {
      const existing = listGraphs(db, { name: graphName })
      const latest = existing[existing.length - 1]
      if (latest && latest.dataset !== graphDataset) throw new ContractError('conflict', `graph "${graphName}" is for ${latest.dataset}, not ${graphDataset}; choose another --name`)
      const edited = latest && json.length ? markHumanEdits(getGraph(db, latest.id).classes, classes, basename(json[0]!.file)) : classes
      const g = latest ? addGraphVersion(db, latest.id, { classes: edited, note }) : createGraph(db, { name: graphName, dataset: graphDataset, note, classes })
      io.out(`${latest ? 'added' : 'created'} ${describeGraph(g)}`)
      if (warnings.length) io.out(`${warnings.length} warning(s):\n  ${warnings.join('\n  ')}`)
      return 0
    })
  },
}
