import { z } from 'zod'
import { DATASETS, PROTOCOLS, SYNTH_CLASS_SETS } from './vocabulary'

/**
 * Where data comes from and what an evaluation measures, as an experiment file's `train.data` and
 * `eval:` entries say it. One schema for the experiment file (main/engine/experiments/schema.ts) and
 * for the commands that take targets (`runs.evaluate`), so the UI is typed by the same lists.
 */

export const positiveInt = z.number().int().positive()
/** A size with a bound: up-front errors instead of gigabytes, aborts or hangs. */
export const sizeUpTo = (max: number) => positiveInt.max(max)

/** SynthMotion only: which classes, how many videos (the world itself is the experiment's top-level `synthmotion` block). */
export const SynthOptions = z
  .object({
    /** Which classes: training defaults to the seen ones, evaluation to the unseen ones (zero-shot). */
    classes: z.enum(SYNTH_CLASS_SETS).optional(),
    videosPerClass: sizeUpTo(10000).default(8),
    /** Frames per rendered video (the clip samples `train.frames` of them). */
    videoFrames: z.number().int().min(2).max(1024).default(16),
  })
  .strict()

export const DataRef = z
  .object({
    dataset: z.enum(DATASETS),
    /** Root folder in the data set's official layout; for synthmotion, optional (rendered in memory when absent). */
    root: z.string().optional(),
    split: z.number().int().min(1).max(3).default(1),
    synth: SynthOptions.prefault({}),
  })
  .strict()

export const EvalTarget = DataRef.extend({
  protocol: z.enum(PROTOCOLS).default('full'),
  views: sizeUpTo(32).default(3),
  /** Skip unreadable videos and count them, instead of failing the run. */
  skipBroken: z.boolean().default(true),
  /**
   * Warn (log line, `…/unusable_pct` metric, `<set>#coverage` artifact) when more than this percentage
   * of an evaluation set's listed videos are missing on disk or broken; the run still ends `done`.
   */
  warnUnusablePct: z.number().min(0).max(100).default(5),
}).strict()

/** An evaluation target as written (defaults not yet applied), e.g. by the UI. */
export type EvalTargetInput = z.input<typeof EvalTarget>
/** An evaluation target with every default applied. */
export type EvalTarget = z.output<typeof EvalTarget>
