import { ContractError } from '../../../contract'
import { checkExperimentBaseDir, ExperimentAccessError, loadLaunchableExperiment, parseExperimentYaml } from '../experiments/library'
import { ExperimentFileError, resolveExperiment, type ResolvedExperiment } from '../experiments/resolve'

/**
 * An experiment from `runs.launch`, which the renderer and the browser may call: a file of the
 * experiment libraries (see `readLaunchableFile`), or pasted YAML whose relative paths resolve
 * against the data folder or a library folder. Its errors become `invalid_input` naming the file and key.
 */
export function readExperiment(input: { file?: string | undefined; yaml?: string | undefined; baseDir?: string | undefined; overrides: Record<string, unknown> }, dataDir: string): ResolvedExperiment {
  try {
    if (input.file !== undefined) return loadLaunchableExperiment(input.file, dataDir, input.overrides)
    const baseDir = input.baseDir === undefined ? dataDir : checkExperimentBaseDir(input.baseDir, dataDir)
    return resolveExperiment(parseExperimentYaml(input.yaml!, 'the experiment YAML'), '(experiment YAML)', baseDir, input.overrides)
  } catch (err) {
    if (err instanceof ExperimentFileError || err instanceof ExperimentAccessError) throw new ContractError('invalid_input', err.message)
    throw err
  }
}
