import { z } from 'zod'
import { describeIssues } from '../../../contract/validate'
import { deepFreeze } from '../util/deep-freeze'

/**
 * The STDD model's options, one knob per disagreement of docs/method.md §9 and per ablation of the
 * paper's Tables 4–6. Defaults follow docs/method.md §9. Validated once, at the boundary, by
 * {@link resolveStddConfig}: every error names the option and what it allows.
 */

export const MASK_VARIANTS = ['repeat_window', 'random_window', 'uniform', 'random_shift', 'random_frame'] as const
/**
 * Table 5's spatial masks.
 * - `repeat_window`: one phase per sample, every window of a frame the same pattern (the method).
 * - `random_window`: the phase drawn per (sample, window), still shifted over time.
 * - `uniform`: each window drops a uniformly drawn subset of its slots in the first frame (any subset
 *   of the budget's size, not only the cyclic ones), then shifted over time like the method.
 * - `random_shift`: the first frame drops a random set of patches anywhere in the frame (same total),
 *   then each window's pattern shifts over time.
 * - `random_frame`: every frame drops its own random set of patches; no temporal shift.
 */
export type MaskVariant = (typeof MASK_VARIANTS)[number]
export const MASK_RATIOS = [0.25, 0.5, 0.75] as const
/** The fraction of patches **dropped** per frame (docs/method.md §1.4: the code's meaning). */
export type MaskRatio = (typeof MASK_RATIOS)[number]
export const MASK_PHASES = ['random', 'fixed'] as const
/** `random`: a phase per sample and per layer in training; `fixed`: phase 0 always. Eval is always phase 0. */
export type MaskPhase = (typeof MASK_PHASES)[number]
export const MASK_SHUFFLES = ['train', 'train_and_eval', 'off'] as const
/** Random temporal permutation of the per-frame masks: in training (default), also at eval (as released, seeded), or never. */
export type MaskShuffle = (typeof MASK_SHUFFLES)[number]
export const MIXING_MODES = ['continual', 'separate'] as const
/** `continual`: scale s mixes ±1…±s with halving slices (the code); `separate`: scale δ mixes only ±δ (paper Eq. 5). */
export type MixingMode = (typeof MIXING_MODES)[number]
export const CLS_SOURCES = ['branch', 'main'] as const
/** Where the class token after an STCA block comes from: the masked branch (released code) or the main path. */
export type ClsSource = (typeof CLS_SOURCES)[number]
export const DISTILL_GRADIENTS = ['flow', 'stop', 'off'] as const
/** Feature distillation: gradients flow through the projector (paper), are stopped (released code), or the term is off. */
export type DistillGradient = (typeof DISTILL_GRADIENTS)[number]
export const ALIGNMENT_MODES = ['mean', 'v2t', 't2v'] as const
export type AlignmentMode = (typeof ALIGNMENT_MODES)[number]
export const ALIGNMENT_LEVELS = ['frame_prompt', 'video_class'] as const
/** Eq. 8 between frames and prompts, or the average-pooled video against class-averaged prompts (Figures 4/8). */
export type AlignmentLevel = (typeof ALIGNMENT_LEVELS)[number]
export const ADAPTATION_MODES = ['full', 'frozen', 'prompt'] as const
/** Table 4: the whole vision tower trains; nothing trains; or a frozen backbone with a per-block prompt MLP. */
export type AdaptationMode = (typeof ADAPTATION_MODES)[number]

const intAtLeast = (min: number, max = 65536) => z.number().int().min(min).max(max)

const maskingSchema = z
  .object({
    /** Off = Table 4's "no WSM": the branch carries every patch. */
    enabled: z.boolean().default(true),
    variant: z.enum(MASK_VARIANTS).default('repeat_window'),
    ratio: z.literal(MASK_RATIOS).default(0.5),
    /** Window rows × cols in patches (the code's MASK_STRIDE [1, 2, 2]). */
    window: z.tuple([intAtLeast(1, 64), intAtLeast(1, 64)]).default([2, 2]),
    phase: z.enum(MASK_PHASES).default('random'),
    shuffle: z.enum(MASK_SHUFFLES).default('train'),
    /** Seeds the eval-time draws (random variants, `train_and_eval` shuffles) so evaluation is deterministic. */
    evalSeed: z.number().int().default(0),
  })
  .strict()

const mixingSchema = z
  .object({
    mode: z.enum(MIXING_MODES).default('continual'),
    /** d = width / fold channels per shifted slice (the code's CHANNEL_FOLD). */
    fold: intAtLeast(2).default(32),
    /** One branch per entry (the code's TEMPORAL_SCALE); [1, 2] = Table 6's [±1, ±2]. */
    scales: z.array(intAtLeast(1, 64)).min(1).max(16).default([1, 2]),
  })
  .strict()

const stcaSchema = z
  .object({
    /** Off = plain CLIP blocks everywhere. */
    enabled: z.boolean().default(true),
    /** Which encoder layers (0-based) run as STCA. */
    layers: z.union([z.literal('all'), z.array(intAtLeast(0, 1023)).max(1024)]).default('all'),
    cls: z.enum(CLS_SOURCES).default('branch'),
    masking: maskingSchema.prefault({}),
    mixing: mixingSchema.prefault({}),
  })
  .strict()

const alignmentSchema = z
  .object({
    mode: z.enum(ALIGNMENT_MODES).default('mean'),
    level: z.enum(ALIGNMENT_LEVELS).default('frame_prompt'),
  })
  .strict()

const distillationSchema = z
  .object({
    gradient: z.enum(DISTILL_GRADIENTS).default('flow'),
    weight: z.number().min(0).default(2.0),
    /** FROSTER's α in p(z) = z + α·P(z). */
    alpha: z.number().default(0.1),
  })
  .strict()

const adaptationSchema = z
  .object({
    mode: z.enum(ADAPTATION_MODES).default('full'),
    /** Prompt tokens per block and frame in `prompt` mode. */
    promptTokens: intAtLeast(1, 256).default(1),
    /** Hidden width of each block's prompt MLP (default: the tower's width). */
    promptHidden: intAtLeast(1).optional(),
  })
  .strict()

export const stddConfigSchema = z
  .object({
    stca: stcaSchema.prefault({}),
    alignment: alignmentSchema.prefault({}),
    distillation: distillationSchema.prefault({}),
    adaptation: adaptationSchema.prefault({}),
  })
  .strict()

export type StddConfig = z.output<typeof stddConfigSchema>
export type StddConfigInput = z.input<typeof stddConfigSchema>
export type StcaConfig = StddConfig['stca']
export type MaskingConfig = StcaConfig['masking']
export type MixingConfig = StcaConfig['mixing']

/** Raised for an invalid STDD option; `issues` name each option path and what it allows. */
export class StddConfigError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid STDD config: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`)
    this.name = 'StddConfigError'
  }
}

/** Validates and completes a (partial) STDD config with the defaults of docs/method.md §9; the result is frozen. */
export function resolveStddConfig(input: unknown = {}): StddConfig {
  const parsed = stddConfigSchema.safeParse(input ?? {})
  if (!parsed.success) throw new StddConfigError(describeIssues(parsed.error))
  return deepFreeze(parsed.data)
}

/** The defaults (docs/method.md §9). */
export const STDD_DEFAULTS: StddConfig = resolveStddConfig({})

/** Whether encoder layer `index` runs as STCA under `stca`. */
export function isStcaLayer(stca: StcaConfig, index: number): boolean {
  return stca.enabled && (stca.layers === 'all' || stca.layers.includes(index))
}
