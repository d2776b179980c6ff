import { writeFileSync } from 'node:fs'
import { EXPORT_FORMATS, type ExportFormat } from '../../../contract'
import { startInProcessEngine } from '../../engine/in-process'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS, engineOptions } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'a results table of the runs: rows = configs (seeds pooled), columns = data set/protocol; mean ± std, n, 95 % interval, paired Δ vs a baseline row',
  usage: '--group EXPERIMENT [--group …] [--format md|csv|latex|json] [--baseline LABEL] [--out FILE]',
  details: [
    '--group NAME       an experiment (name or id); repeat to put several in one table',
    '--format F         md (default), csv (every statistic), latex (booktabs, with \\label{tab:NAME}) or json',
    '--baseline LABEL   the row differences are against (default: the frozen CLIP\'s row, else the first)',
    '--out FILE         write to a file instead of stdout',
    ...ENGINE_OPTION_HELP,
  ],
  options: { group: { type: 'string', multiple: true }, format: { type: 'string' }, baseline: { type: 'string' }, out: { type: 'string' }, ...ENGINE_OPTIONS },
  async run({ values }, { io }) {
    const groups = (values.group as string[] | undefined) ?? []
    if (groups.length === 0) throw new CliUsageError('--group: name at least one experiment ("stdd runs list" shows them)')
    const format = (values.format as string | undefined) ?? 'md'
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new CliUsageError(`--format ${format}: choose ${EXPORT_FORMATS.join(', ')}`)
    const baseline = values.baseline as string | undefined
    const conn = await startInProcessEngine({ ...engineOptions(values), withoutTf: true })
    try {
      const { text } = await conn.engine.invoke('export.table', { experiments: groups, format: format as ExportFormat, ...(baseline ? { baseline } : {}) })
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
