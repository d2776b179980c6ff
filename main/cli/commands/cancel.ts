import { startInProcessEngine } from '../../engine/in-process'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS, engineOptions } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'

export const cancelCommand: CliCommand = {
  name: 'cancel',
  summary: 'cancel a queued run, or ask the engine running it to stop at its next step',
  usage: 'ID [--data-dir DIR]',
  details: ENGINE_OPTION_HELP,
  options: { ...ENGINE_OPTIONS },
  positionals: true,
  async run({ values, positionals }, { io }) {
    const id = Number(positionals[0])
    if (positionals.length !== 1 || !Number.isInteger(id) || id < 1) throw new CliUsageError('give the id of one run, e.g. "stdd cancel 12"')
    const conn = await startInProcessEngine({ ...engineOptions(values), withoutTf: true })
    try {
      const run = await conn.engine.invoke('runs.cancel', { id })
      io.out(run.status === 'running' ? `run ${id} will stop at its next step; "stdd resume ${id}" continues it later` : `run ${id} cancelled`)
      return 0
    } finally {
      await conn.close()
    }
  },
}
