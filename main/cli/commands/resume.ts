import { startInProcessEngine } from '../../engine/in-process'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS, engineOptions } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'
import { executeRuns } from './run'
import { followSlurmRuns } from '../slurm-follow'

export const resumeCommand: CliCommand = {
  name: 'resume',
  summary: 'continue a failed, cancelled or interrupted run from its last checkpoint',
  usage: 'ID [--backend NAME] [--data-dir DIR]',
  details: ENGINE_OPTION_HELP,
  options: { ...ENGINE_OPTIONS },
  positionals: true,
  async run({ values, positionals }, ctx) {
    const id = Number(positionals[0])
    if (positionals.length !== 1 || !Number.isInteger(id) || id < 1) throw new CliUsageError('give the id of one run, e.g. "stdd resume 12" ("stdd runs list" shows the ids)')
    const conn = await startInProcessEngine(engineOptions(values))
    try {
      const run = await conn.engine.invoke('runs.resume', { id })
      if (run.executor === 'slurm') return await followSlurmRuns(conn.engine, run.experimentName, [run], false, ctx)
      return await executeRuns(conn.engine, [id], ctx)
    } finally {
      await conn.close()
    }
  },
}
