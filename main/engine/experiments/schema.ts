import { z } from 'zod'
import { stddConfigSchema } from '../stdd/config'

/**
 * The experiment file: one defaults tree (every key optional in the file), validated once into a
 * frozen, fully resolved config. Literal unions everywhere, so an error can list the allowed values.
 * Defaults follow docs/method.md §9: the released code where the paper's numbers came from it, the paper
 * where the code has a bug. The model section is the STDD model's own schema (stdd/config.ts).
 */

export const DATASETS = ['synthmotion', 'ucf101', 'hmdb51', 'k400', 'k600'] as const
export const PROTOCOLS = ['ep1', 'ep2', 'ep3', 'k600', 'full'] as const
export const PROMPT_SETS = ['c', 's', 't', 'st'] as const
export const TEMPLATE_STYLES = ['dataset', 'hard'] as const
export const SAMPLINGS = ['window', 'segments'] as const

const positiveInt = z.number().int().positive()
/** A size with a bound: up-front errors instead of gigabytes, aborts or hangs (issue 19, F4). */
const sizeUpTo = (max: number) => positiveInt.max(max)

/** SynthMotion only: which world, which classes, how many videos. */
export const SynthOptions = z
  .object({
    worldSeed: z.number().int().min(0).default(0),
    /** Which classes: training defaults to the seen ones, evaluation to the unseen ones (zero-shot). */
    classes: z.enum(['seen', 'unseen', 'all']).optional(),
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

export const ExperimentConfig = z
  .object({
    name: z.string().min(1).regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" and "-" only'),
    description: z.string().default(''),
    seed: z.number().int().min(0).default(0),
    /** The STDD model (STCA, alignment, distillation, adaptation: stdd/config.ts) on a CLIP checkpoint. */
    model: stddConfigSchema
      .extend({
        /** A Hugging Face CLIP folder, or `builtin:synth-clip` for the shipped tiny CLIP. */
        checkpoint: z.string().default('builtin:synth-clip'),
      })
      .prefault({}),
    text: z
      .object({
        promptSet: z.enum(PROMPT_SETS).default('st'),
        templates: z.enum(TEMPLATE_STYLES).default('dataset'),
        /** Knowledge graph: `builtin:synthmotion`, or `<name>` / `<name>@<version>` from the store. */
        graph: z.string().default('builtin:synthmotion'),
        padCyclic: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    train: z
      .object({
        data: DataRef.prefault({ dataset: 'synthmotion' }),
        epochs: z.number().int().min(0).max(1000).default(4),
        batchSize: sizeUpTo(256).default(4),
        /** Gradient accumulation reaches this many clips per optimizer step. */
        globalBatch: sizeUpTo(4096).default(8),
        lr: z.number().positive().default(1e-4),
        endLr: z.number().min(0).default(1e-6),
        warmupEpochs: z.number().min(0).default(1),
        weightDecay: z.number().min(0).default(0.01),
        clipGradNorm: z.number().positive().nullable().default(1),
        frames: sizeUpTo(64).default(8),
        stride: sizeUpTo(1024).default(16),
        sampling: z.enum(SAMPLINGS).default('window'),
        /** Epoch weight averaging over [from, to] (inclusive, 1-based epochs); null = off. */
        averaging: z
          .object({ from: positiveInt, to: positiveInt })
          .strict()
          .refine((a) => a.from <= a.to, 'from must not exceed to')
          .nullable()
          .default(null),
        /** Per-epoch checkpoints kept: the last this many, and every one `averaging` needs. */
        checkpointsKept: z.number().int().min(1).max(1000).default(5),
      })
      .strict()
      .prefault({}),
    eval: z.array(EvalTarget).min(1).prefault([{ dataset: 'synthmotion' }]),
  })
  .strict()

export type ExperimentConfig = z.output<typeof ExperimentConfig>
export type ExperimentFileInput = z.input<typeof ExperimentConfig>
