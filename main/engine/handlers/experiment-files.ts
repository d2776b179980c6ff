import { dirname, resolve } from 'node:path'
import { ContractError } from '../../../contract'
import type { EngineContext } from '../engine'
import { checkExperimentText } from '../experiments/check-text'
import { ExperimentAccessError, libraryEntry, readLibraryFile } from '../experiments/library'
import { saveExperimentFile, userExperimentsFolder } from '../experiments/save-file'
import type { Handlers } from './index'

type ExperimentFilesCommand = 'experiments.read' | 'experiments.validate' | 'experiments.save'

/** Access errors (outside the libraries, too large, exists already) as the contract's invalid input. */
function guarded<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof ExperimentAccessError) throw new ContractError('invalid_input', err.message)
    throw err
  }
}

/** Handlers of the experiment-file editor. The text is checked by the validator `stdd run` uses; a save writes only a valid file, only under `<data folder>/experiments/`. */
export function experimentFilesHandlers(ctx: EngineContext): Pick<Handlers, ExperimentFilesCommand> {
  /** Relative paths in the text resolve as if it were saved at `path`. */
  const check = (text: string, path: string | undefined) => checkExperimentText(text, path ?? '(new experiment file)', dirname(resolve(userExperimentsFolder(ctx.dataDir), path ?? 'new.yaml')))
  return {
    'experiments.read': ({ file }) => guarded(() => readLibraryFile(file, ctx.dataDir)),
    'experiments.validate': ({ text, path }) => check(text, path),
    'experiments.save': ({ path, text, overwrite }) =>
      guarded(() => {
        const { problems } = check(text, path)
        if (problems.length) {
          throw new ContractError('invalid_input', `${path} was not saved: it does not validate (${problems.map((p) => `line ${p.line}, column ${p.column}: ${p.message}`).join('; ')})`)
        }
        const file = saveExperimentFile(ctx.dataDir, path, text, overwrite)
        ctx.log.info('experiments', `saved the experiment file ${file}`)
        return libraryEntry(file, path, 'user', ctx.dataDir)
      }),
  }
}
