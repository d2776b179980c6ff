import { resolve } from 'node:path'
import { runWorker } from '../../engine/worker/worker-main'
import { parseBackendName } from '../../../contract'
import { engineOptions } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'

export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'execute one run from its run folder (started by the engine or a Slurm job; docs/worker.md)',
  usage: '--run-dir DIR [--backend NAME] [--prefer-backend NAME]',
  details: [
    '--run-dir DIR    the run folder: DIR/run.json says what to run; results are appended to DIR/record.jsonl',
    '--backend NAME   force a TensorFlow.js backend (default: best available; or $STDD_BACKEND)',
    '--prefer-backend NAME  try this backend first, then the others (the engine passes the Settings\' default)',
    'Starting it again on the same folder resumes from the last checkpoint. SIGUSR1: checkpointed stop (exit 3);',
    'SIGTERM: cancel at the next step (exit 143).',
  ],
  options: { 'run-dir': { type: 'string' }, backend: { type: 'string' }, 'prefer-backend': { type: 'string' } },
  async run({ values }, ctx) {
    if (typeof values['run-dir'] !== 'string') throw new CliUsageError('give the run folder: stdd worker --run-dir DIR')
    const { backend } = engineOptions(values)
    const preferredBackend = typeof values['prefer-backend'] === 'string' ? parseBackendName(values['prefer-backend'], '--prefer-backend') : null
    return await runWorker(resolve(values['run-dir']), { ...(backend ? { backend } : {}), preferredBackend, err: (line) => ctx.io.err(line) })
  },
}
