import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { exportGraphFiles } from '../../engine/text/graphs/export'
import { pickGraphVersion } from '../../engine/text/graphs/library'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'
import { withDatabase } from './askg-common'

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
      const { graph, files } = exportGraphFiles(db, pickGraphVersion(db, values.graph as string | undefined).id, format)
      const clash = files.map(({ file }) => join(dir, file)).filter((p) => existsSync(p))
      if (clash.length && !values.force) throw new CliUsageError(`${clash.join(', ')} already exist(s); add --force to overwrite`)
      mkdirSync(dir, { recursive: true })
      for (const { file, text } of files) writeFileSync(join(dir, file), text)
      io.out(`wrote ${graph} to ${files.map(({ file }) => join(dir, file)).join(', ')}`)
      return 0
    })
  },
}
