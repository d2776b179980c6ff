import { parse as parseYaml } from 'yaml'
import { ContractError } from '../../../contract'
import { ExperimentFileError, loadExperimentFile, resolveExperiment, type ResolvedExperiment } from '../experiments/resolve'

/** An experiment from a file path or pasted YAML; its errors become `invalid_input` naming the key. */
export function readExperiment(input: { file?: string | undefined; yaml?: string | undefined; baseDir?: string | undefined; overrides: Record<string, unknown> }, dataDir: string): ResolvedExperiment {
  try {
    if (input.file !== undefined) return loadExperimentFile(input.file, input.overrides)
    let doc: unknown
    try {
      doc = parseYaml(input.yaml!, { prettyErrors: true })
    } catch (err) {
      throw new ExperimentFileError(`the experiment YAML is not valid YAML: ${(err as Error).message}`)
    }
    return resolveExperiment(doc, '(experiment YAML)', input.baseDir ?? dataDir, input.overrides)
  } catch (err) {
    if (err instanceof ExperimentFileError) throw new ContractError('invalid_input', err.message)
    throw err
  }
}
