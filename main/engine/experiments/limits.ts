/** The largest experiment file the engine reads, from the UI, the browser or `stdd run`. */
export const MAX_EXPERIMENT_FILE_BYTES = 1 << 20

/** The most runs one experiment file's sweep (variants × grid) may expand into; counted before expanding. */
export const MAX_SWEEP_RUNS = 1000
