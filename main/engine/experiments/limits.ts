export { MAX_EXPERIMENT_FILE_BYTES } from '../../../contract/commands-experiment-files'

/** The most runs one experiment file's sweep (variants × grid) may expand into; counted before expanding. */
export const MAX_SWEEP_RUNS = 1000
