import { z } from 'zod'
import { RunSummary } from './entities'

/** Commands that manage stored runs: move, rename, tag, note, archive, delete, and read a run's log. Spread into `commandSchemas`. */

const id = z.number().int().positive()
const ids = z.array(id).min(1, 'name at least one run').max(1000, 'at most 1000 runs at once')
/** A tag: a short word (letters, digits, `-_.:/+`), as the filter's `tag:NAME` can name it. */
export const RunTag = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters')
  .regex(/^[\w.:/+-]+$/u, 'letters, digits and - _ . : / + only (no spaces)')

export const runManagementCommandSchemas = {
  /** Moves runs to another experiment; a name the target already has gets a ` #2` suffix. */
  'runs.move': { input: z.object({ ids, experimentId: id }).strict(), output: z.array(RunSummary) },
  /** Renames, tags, notes or (un)archives one run; absent fields stay as they are. */
  'runs.update': {
    input: z
      .object({
        id,
        name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
        tags: z.array(RunTag).max(30, 'at most 30 tags').optional(),
        note: z.string().max(20_000, 'must be at most 20,000 characters').optional(),
        archived: z.boolean().optional(),
      })
      .strict(),
    output: RunSummary,
  },
  /** Deletes finished runs with everything stored of them: metrics, results, artifacts and their folder (checkpoints). */
  'runs.delete': { input: z.object({ ids }).strict(), output: z.object({ deleted: z.array(z.number().int()), freedBytes: z.number() }) },
  /** A run's own log (what it printed while it ran), whole up to 4 MiB (then its last 4 MiB). */
  'runs.log': { input: z.object({ id }).strict(), output: z.object({ text: z.string(), truncated: z.boolean(), bytes: z.number().int() }) },
} as const

/** `runs.deleted`: a run and everything stored of it is gone. */
export const RunDeletedEvent = z.object({ runId: z.number().int() })
