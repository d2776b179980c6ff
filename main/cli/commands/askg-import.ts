import { describeVersion } from '../../engine/text/graphs/library'
import { importGraphFiles } from '../../engine/text/graphs/import-files'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'
import { readClassList, readGraphFile, withDatabase } from './askg-common'

export const askgImportCommand: CliCommand = {
  name: 'askg import',
  summary: "import a knowledge graph: the paper authors' classes_ASKG_<ds>.yml and/or classes_xprompt_<ds>.yml, or a JSON export",
  usage: 'FILE [FILE] [--name NAME] [--dataset DS] [--classes FILE]',
  details: [
    'FILE             classes_ASKG_<ds>.yml, classes_xprompt_<ds>.yml (one of each at most), or a "stdd askg export --format json" file',
    '--name NAME      graph name (default: <ds>-authors, or the name in the JSON); an existing name gets a new version',
    '--dataset DS     data set (default: from the file name, e.g. hmdb51)',
    '--classes FILE   the data set class names in class-index order (one per line, or classes_label_<ds>.yml);',
    '                 by default the official names for ucf101/hmdb51/k400 (through the shipped alias table), else the keys',
    "The authors' files import as released: a malformed triple is kept as text and an unusable entry is left out,",
    'each with a warning naming the file, class and field.',
    ...ENGINE_OPTION_HELP,
  ],
  options: { name: { type: 'string' }, dataset: { type: 'string' }, classes: { type: 'string' }, ...ENGINE_OPTIONS },
  positionals: true,
  async run({ values, positionals }, { io }) {
    if (positionals.length === 0) throw new CliUsageError('give the file(s) to import')
    const files = positionals.map((file) => ({ file, text: readGraphFile(file) }))
    return withDatabase(values, (db) => {
      const r = importGraphFiles(db, {
        files,
        ...(typeof values.name === 'string' ? { name: values.name } : {}),
        ...(typeof values.dataset === 'string' ? { dataset: values.dataset } : {}),
        ...(typeof values.classes === 'string' ? { classNames: readClassList(values.classes) } : {}),
      })
      io.out(`${r.created ? 'created' : 'added'} ${describeVersion(r.graph)}${r.aliases ? `, with ${r.aliases} class-name aliases` : ''}`)
      if (r.warnings.length) io.out(`${r.warnings.length} warning(s):\n  ${r.warnings.join('\n  ')}`)
      return 0
    })
  },
}
