import { z } from 'zod'
import { DataRef, EvalTarget, positiveInt, sizeUpTo } from '../../../contract/eval-target'
import { PROMPT_SETS } from '../../../contract/vocabulary'
import { stddConfigSchema } from '../stdd/config'

/**
 * The experiment file: one defaults tree (every key optional in the file), validated once into a
 * frozen, fully resolved config. Literal unions everywhere, so an error can list the allowed values.
 * Defaults follow docs/method.md §9: the released code where the paper's numbers came from it, the paper
 * where the code has a bug. The model section is the STDD model's own schema (stdd/config.ts); data
 * sets, protocols and prompt sets are the contract's vocabulary (contract/vocabulary.ts), data and
 * evaluation targets its schemas (contract/eval-target.ts).
 */

export const TEMPLATE_STYLES = ['dataset', 'hard'] as const
export const SAMPLINGS = ['window', 'segments'] as const


export const ExperimentConfig = z
  .object({
    name: z.string().min(1).regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" and "-" only'),
    description: z.string().default(''),
    seed: z.number().int().min(0).default(0),
    /**
     * The SynthMotion world that training and evaluation share: `worldSeed` draws its identity (which
     * colour and scene each class has), its seen/unseen split and every video (data/synth/world.ts).
     */
    synthmotion: z
      .object({
        worldSeed: z.number().int().min(0).default(0),
        /** In how many looks (colour × scene) each object × motion pair occurs (1–3): 12, 24 or 36 twin groups. */
        looks: z.number().int().min(1).max(3).default(1),
        /** How many twin groups are held out as unseen classes (2 each). */
        unseenGroups: z.number().int().min(1).max(32).default(4),
      })
      .strict()
      .prefault({}),
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
/** Paths of `synth.worldSeed` keys in an experiment document, which moved to the top-level `synthmotion.worldSeed`. */
export function movedWorldSeedKeys(doc: Record<string, unknown>): string[] {
  const has = (v: unknown): boolean => typeof v === 'object' && v !== null && 'synth' in v && typeof v.synth === 'object' && v.synth !== null && 'worldSeed' in v.synth
  const train = doc.train as Record<string, unknown> | undefined
  const out = has(train?.data) ? ['train.data.synth.worldSeed'] : []
  if (Array.isArray(doc.eval)) doc.eval.forEach((e, i) => has(e) && out.push(`eval.${i}.synth.worldSeed`))
  return out
}
