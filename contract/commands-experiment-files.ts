import { z } from 'zod'
import { ExperimentFileEntry } from './entities'

/** Commands of the experiment-file editor: read a library file, check YAML as it is typed, save it. Spread into `commandSchemas`. */

/** The largest experiment file the engine reads or writes, from the UI, the browser or `stdd run`. */
export const MAX_EXPERIMENT_FILE_BYTES = 1 << 20

/** A file's path under the data folder's `experiments/`: folders and a name of letters, digits, `. _ -`, ending `.yaml`/`.yml`; no `.`/`..` part. */
export const ExperimentFilePath = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[\w.-]+(\/[\w.-]+)*\.ya?ml$/, 'a path such as studies/lr.yaml: letters, digits, ". _ -" and "/", ending in .yaml')
  .refine((p) => !p.split('/').some((part) => part === '.' || part === '..'), 'must not contain a "." or ".." folder')

const text = z.string().max(MAX_EXPERIMENT_FILE_BYTES, `must be at most ${MAX_EXPERIMENT_FILE_BYTES} characters`)

/** One problem of the text, where it is: 1-based line and column, the config key where known. */
export const ExperimentProblem = z.object({ message: z.string(), path: z.string().nullable(), line: z.number().int(), column: z.number().int() })
export type ExperimentProblem = z.infer<typeof ExperimentProblem>

export const experimentFilesCommandSchemas = {
  /** A file of the experiment libraries (a `file` of `experiments.files`), as text. */
  'experiments.read': {
    input: z.object({ file: z.string().min(1).max(4096) }).strict(),
    output: z.object({ file: z.string(), label: z.string(), source: z.enum(['user', 'built-in']), text: z.string() }),
  },
  /** Validates experiment YAML as `stdd run` would (relative paths as if saved at `path`): its runs, or every problem with its place. */
  'experiments.validate': {
    input: z.object({ text, path: ExperimentFilePath.optional() }).strict(),
    output: z.object({ name: z.string().nullable(), runs: z.number().int(), problems: z.array(ExperimentProblem) }),
  },
  /** Writes a valid experiment file under the data folder's `experiments/` (atomically); an existing file only with `overwrite`. */
  'experiments.save': {
    input: z.object({ path: ExperimentFilePath, text, overwrite: z.boolean().default(false) }).strict(),
    output: ExperimentFileEntry,
  },
} as const
