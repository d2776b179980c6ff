import { writeFileSync } from 'node:fs'
import { startInProcessEngine } from '../../engine/in-process'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS, engineOptions } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'

const FORMATS = ['csv', 'md', 'latex'] as const

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'a results table of finished runs: rows = configs (seeds pooled), columns = data set/protocol, mean ± std (n)',
  usage: '--group EXPERIMENT [--group …] [--format csv|md|latex] [--out FILE]',
  details: ['--group NAME     an experiment (name or id); repeat to put several in one table', '--format F       csv, md (default) or latex (booktabs)', '--out FILE       write to a file instead of stdout', ...ENGINE_OPTION_HELP],
  options: { group: { type: 'string', multiple: true }, format: { type: 'string' }, out: { type: 'string' }, ...ENGINE_OPTIONS },
  async run({ values }, { io }) {
    const groups = (values.group as string[] | undefined) ?? []
    if (groups.length === 0) throw new CliUsageError('--group: name at least one experiment ("stdd runs list" shows them)')
    const format = (values.format as string | undefined) ?? 'md'
    if (!(FORMATS as readonly string[]).includes(format)) throw new CliUsageError(`--format ${format}: choose csv, md or latex`)
    const conn = await startInProcessEngine({ ...engineOptions(values), withoutTf: true })
    try {
      const { text } = await conn.engine.invoke('export.table', { experiments: groups, format: format as (typeof FORMATS)[number] })
      if (typeof values.out === 'string') {
        writeFileSync(values.out, text)
        io.err(`wrote ${values.out}`)
      } else io.out(text)
      return 0
    } finally {
      await conn.close()
    }
  },
}
