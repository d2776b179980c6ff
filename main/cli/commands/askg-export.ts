import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { getGraph } from '../../engine/store/knowledge-graphs'
import { exportAskgYaml, exportXpromptYaml } from '../../engine/text/io/authors-export'
import { exportGraphJson } from '../../engine/text/io/json-format'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'
import { describeGraph, pickGraph, withDatabase } from './askg-common'

export const askgExportCommand: CliCommand = {
  name: 'askg export',
  summary: "write a knowledge graph version in the authors' YAML format or as JSON",
  usage: '[--graph NAME[@VERSION]] [--format authors|json] [--out DIR] [--force]',
  details: [
    '--graph REF      NAME (latest version), NAME@VERSION or #ID (default: the only graph)',
    '--format F       authors: classes_ASKG_<ds>.yml + classes_xprompt_<ds>.yml (default); json: <name>@<version>.json with provenance',
    '--out DIR        folder to write to (default: the current folder)',
    '--force          overwrite existing files',
    ...ENGINE_OPTION_HELP,
  ],
  options: { graph: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, ...ENGINE_OPTIONS },
  async run({ values }, { io }) {
    const format = typeof values.format === 'string' ? values.format : 'authors'
    if (format !== 'authors' && format !== 'json') throw new CliUsageError(`--format: "${format}" is not one of authors, json`)
    const dir = resolve(typeof values.out === 'string' ? values.out : '.')
    return withDatabase(values, (db) => {
      const g = getGraph(db, pickGraph(db, values.graph).id)
      const files: [string, string][] =
        format === 'json'
          ? [[`${g.name}@${g.version}.json`, exportGraphJson({ name: g.name, dataset: g.dataset, version: g.version, note: g.note, createdAt: g.createdAt, classes: g.classes })]]
          : [
              [`classes_ASKG_${g.dataset}.yml`, exportAskgYaml(g.classes)],
              [`classes_xprompt_${g.dataset}.yml`, exportXpromptYaml(g.classes)],
            ]
      const clash = files.map(([f]) => join(dir, f)).filter((p) => existsSync(p))
      if (clash.length && !values.force) throw new CliUsageError(`${clash.join(', ')} already exist(s); add --force to overwrite`)
      mkdirSync(dir, { recursive: true })
      for (const [f, text] of files) writeFileSync(join(dir, f), text)
      io.out(`wrote ${describeGraph(g)} to ${files.map(([f]) => join(dir, f)).join(', ')}`)
      return 0
    })
  },
}
