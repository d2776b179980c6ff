import { z } from 'zod'

/**
 * The experiment file: one defaults tree (every key optional in the file), validated once into a
 * frozen, fully resolved config. Literal unions everywhere, so an error can list the allowed values.
 * Defaults follow design.md: the released code where the paper's numbers came from it, the paper
 * where the code has a bug.
 */

export const DATASETS = ['synthmotion', 'ucf101', 'hmdb51', 'k400', 'k600'] as const
export const PROTOCOLS = ['ep1', 'ep2', 'ep3', 'k600', 'full'] as const
export const ADAPTATIONS = ['frozen', 'full', 'prompt'] as const
export const MASK_VARIANTS = ['repeat_window', 'random_window', 'uniform', 'random_per_frame', 'none'] as const
export const MIXING_MODES = ['continual', 'separate', 'none'] as const
export const PROMPT_SETS = ['c', 's', 't', 'st'] as const
export const TEMPLATE_STYLES = ['dataset', 'hard'] as const
export const ALIGNMENTS = ['mean', 'v2t', 't2v', 'video_class'] as const
export const DISTILLATION_MODES = ['flow', 'stop', 'off'] as const
export const SAMPLINGS = ['window', 'segments'] as const

const positiveInt = z.number().int().positive()

export const StcaConfig = z
  .object({
    enabled: z.boolean().default(true),
    /** Which vision blocks get STCA: every one, or the listed 0-based indices. */
    layers: z.union([z.literal('all'), z.array(z.number().int().min(0)).min(1)]).default('all'),
    mask: z
      .object({
        variant: z.enum(MASK_VARIANTS).default('repeat_window'),
        /** Fraction of patch tokens dropped per frame. */
        ratio: z.literal([0.25, 0.5, 0.75]).default(0.5),
        /** Permute the per-frame masks over time in training (evaluation is deterministic unless shuffleAtEval). */
        temporalShuffle: z.boolean().default(true),
        shuffleAtEval: z.boolean().default(false),
        /** Draw the phase per sample and per layer in training (else fixed phase 0). */
        randomPhase: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    mixing: z
      .object({
        mode: z.enum(MIXING_MODES).default('continual'),
        scales: z.array(positiveInt).min(1).default([1, 2]),
        fold: positiveInt.default(32),
      })
      .strict()
      .prefault({}),
    clsFrom: z.enum(['branch', 'main']).default('branch'),
  })
  .strict()

export const DataRef = z
  .object({
    dataset: z.enum(DATASETS),
    /** Root folder in the data set's official layout; for synthmotion, optional (generated in memory). */
    root: z.string().optional(),
    split: z.number().int().min(1).max(3).default(1),
  })
  .strict()

export const EvalTarget = DataRef.extend({
  protocol: z.enum(PROTOCOLS).default('full'),
  views: positiveInt.default(3),
  /** Skip unreadable videos and count them, instead of failing the run. */
  skipBroken: z.boolean().default(true),
}).strict()

export const ExperimentConfig = z
  .object({
    name: z.string().min(1).regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" and "-" only'),
    description: z.string().default(''),
    seed: z.number().int().min(0).default(0),
    model: z
      .object({
        /** A Hugging Face CLIP folder, or `builtin:synth-clip` for the shipped tiny CLIP. */
        checkpoint: z.string().default('builtin:synth-clip'),
        adaptation: z.enum(ADAPTATIONS).default('full'),
        stca: StcaConfig.prefault({}),
        distillation: z
          .object({ mode: z.enum(DISTILLATION_MODES).default('flow'), weight: z.number().min(0).default(2), alpha: z.number().default(0.1) })
          .strict()
          .prefault({}),
        /** prompt adaptation only: prompt tokens per block. */
        promptTokens: positiveInt.default(8),
      })
      .strict()
      .prefault({}),
    text: z
      .object({
        promptSet: z.enum(PROMPT_SETS).default('st'),
        templates: z.enum(TEMPLATE_STYLES).default('dataset'),
        /** Knowledge graph: `builtin:synthmotion`, or `<name>` / `<name>@<version>` from the store. */
        graph: z.string().default('builtin:synthmotion'),
        alignment: z.enum(ALIGNMENTS).default('mean'),
        padCyclic: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    train: z
      .object({
        data: DataRef.prefault({ dataset: 'synthmotion' }),
        epochs: z.number().int().min(0).default(4),
        batchSize: positiveInt.default(4),
        /** Gradient accumulation reaches this many clips per optimizer step. */
        globalBatch: positiveInt.default(8),
        lr: z.number().positive().default(1e-4),
        endLr: z.number().min(0).default(1e-6),
        warmupEpochs: z.number().min(0).default(1),
        weightDecay: z.number().min(0).default(0.01),
        clipGradNorm: z.number().positive().nullable().default(1),
        frames: positiveInt.default(8),
        stride: positiveInt.default(16),
        sampling: z.enum(SAMPLINGS).default('window'),
        /** Epoch weight averaging over [from, to] (inclusive, 1-based epochs); null = off. */
        averaging: z
          .object({ from: positiveInt, to: positiveInt })
          .strict()
          .refine((a) => a.from <= a.to, 'from must not exceed to')
          .nullable()
          .default(null),
      })
      .strict()
      .prefault({}),
    eval: z.array(EvalTarget).min(1).prefault([{ dataset: 'synthmotion' }]),
  })
  .strict()

export type ExperimentConfig = z.output<typeof ExperimentConfig>
export type ExperimentFileInput = z.input<typeof ExperimentConfig>
