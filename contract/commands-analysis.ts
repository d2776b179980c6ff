import { z } from 'zod'
import { RunSummary } from './entities'
import { EvalTarget } from './eval-target'
import { PROMPT_SETS } from './vocabulary'

/**
 * Commands of the analysis views: per-class results and confusion, the videos behind a confusion
 * cell, the attention and score maps of evaluated videos (their bytes as base64, or over the
 * server's `/api/artifacts/<id>` route), and evaluating a run's checkpoint again without training.
 * Spread into `commandSchemas`.
 */

const id = z.number().int().positive()
const runIds = z.array(id).min(1, 'select at least one run').max(50, 'at most 50 runs at a time')
/** A per-class results key: `<eval column>/<set name>`, e.g. `synthmotion/unseen/unseen classes`, `ucf101/ep1/subset 3`. */
const evalKey = z.string().trim().min(1, 'name an evaluation (data set/protocol/split)').max(300)
const classIndex = z.number().int().min(0)

export const EvalKeyEntry = z.object({ key: z.string(), runIds: z.array(z.number().int()) })
export type EvalKeyEntry = z.infer<typeof EvalKeyEntry>

export const ClassCell = z.object({
  correct: z.number().int(),
  total: z.number().int(),
  /** Top-1 accuracy of the class in %. */
  accuracy: z.number(),
  /** Accuracy minus the baseline run's, in points; null for the baseline itself or without a baseline. */
  delta: z.number().nullable(),
})
export type ClassCell = z.infer<typeof ClassCell>

export const PerClassTable = z.object({
  evalKey: z.string(),
  baselineRunId: z.number().int().nullable(),
  /** Columns, in the order asked for (runs without results for the key are left out, see `missingRunIds`). */
  runs: z.array(z.object({ id: z.number().int(), name: z.string(), experimentName: z.string(), accuracy: z.number() })),
  missingRunIds: z.array(z.number().int()),
  /** Rows: `cells[i]` belongs to `runs[i]`. */
  classes: z.array(z.object({ index: z.number().int(), name: z.string(), cells: z.array(ClassCell.nullable()) })),
})
export type PerClassTable = z.infer<typeof PerClassTable>

export const ConfusionMatrix = z.object({
  runId: z.number().int(),
  evalKey: z.string(),
  classes: z.array(z.string()),
  /** counts[true][predicted]. */
  counts: z.array(z.array(z.number().int())),
})
export type ConfusionMatrix = z.infer<typeof ConfusionMatrix>

export const ClassVideo = z.object({
  videoIndex: z.number().int(),
  video: z.string(),
  trueClass: z.number().int(),
  trueClassName: z.string(),
  predicted: z.number().int(),
  predictedName: z.string(),
  top5: z.array(z.object({ classIndex: z.number().int(), className: z.string(), score: z.number() })),
  /** SynthMotion: the class's order-only partner (the same motion played backwards) and whether the model told them apart. */
  orderPair: z.object({ partner: z.number().int(), partnerName: z.string(), partnerScore: z.number(), trueScore: z.number(), toldApart: z.boolean() }).nullable(),
  /** Its frames and maps were kept (the Maps view shows it). */
  hasMaps: z.boolean(),
  /** The frames the model saw, as a small PNG strip of `frames` frames side by side (the list's thumbnail). */
  thumbnail: z.object({ artifactId: z.number().int(), frames: z.number().int() }).nullable(),
})
export type ClassVideo = z.infer<typeof ClassVideo>

export const MapVideo = z.object({
  evalKey: z.string(),
  video: z.string(),
  label: z.number().int(),
  className: z.string(),
  /** The selected runs that kept this video's maps. */
  runIds: z.array(z.number().int()),
})
export type MapVideo = z.infer<typeof MapVideo>

/** How a map's bytes are encoded (contract/map-encoding.ts decodes them). */
export const MapEncodingSchema = z.discriminatedUnion('dtype', [
  z.object({ dtype: z.literal('float32') }),
  z.object({ dtype: z.literal('float16') }),
  z.object({ dtype: z.literal('uint8'), min: z.number(), max: z.number() }),
])

/** What a prompt adds to the class name: nothing ([C]), a spatial clause ([S]: object–object, action–object) or a temporal one ([T]: action–action); null where the graph no longer says. */
export const PromptKind = z.enum(['C', 'S', 'T']).nullable()
export type PromptKind = z.infer<typeof PromptKind>

export const VideoMaps = z.object({
  runId: z.number().int(),
  evalKey: z.string(),
  video: z.string(),
  /** The true class (index into the evaluation set's classes). */
  label: z.number().int(),
  className: z.string(),
  predicted: z.number().int(),
  predictedName: z.string(),
  /** A PNG strip: `count` frames of width × height side by side. */
  frames: z.object({ artifactId: z.number().int(), count: z.number().int(), width: z.number().int(), height: z.number().int() }).nullable(),
  /** [frames, grid, grid]: the class token's attention over the patches, per frame. */
  attention: z.object({ artifactId: z.number().int(), frames: z.number().int(), grid: z.number().int(), encoding: MapEncodingSchema }).nullable(),
  /**
   * [frames, kept classes, prompts]: λ·cos(frame, prompt) for the classes kept (the true class and
   * the top-5): `classIndices[j]` is kept class j's index in the evaluation set, `classes[j]` its name,
   * `prompts[j][m]` the text of prompt m and `kinds[j][m]` what that prompt adds.
   */
  scores: z
    .object({
      artifactId: z.number().int(),
      frames: z.number().int(),
      encoding: MapEncodingSchema,
      classIndices: z.array(z.number().int()),
      classes: z.array(z.string()),
      prompts: z.array(z.array(z.string())),
      kinds: z.array(z.array(PromptKind)),
    })
    .nullable(),
})
export type VideoMaps = z.infer<typeof VideoMaps>

export const CHECKPOINT_CHOICES = ['final', 'averaged'] as const
/** `final`: the weights the run ended with (averaged when its config averages); `averaged`: the mean over its averaging range (all epochs when it has none); a number: that epoch's checkpoint. */
export const CheckpointChoice = z.union([z.enum(CHECKPOINT_CHOICES), z.number().int().min(1)])
export type CheckpointChoice = z.infer<typeof CheckpointChoice>

export const analysisCommandSchemas = {
  'analysis.evalKeys': { input: z.object({ runIds }).strict(), output: z.array(EvalKeyEntry) },
  'analysis.perClass': { input: z.object({ runIds, evalKey, baselineRunId: id.optional() }).strict(), output: PerClassTable },
  'analysis.confusion': { input: z.object({ runId: id, evalKey }).strict(), output: ConfusionMatrix },
  'analysis.videos': {
    input: z.object({ runId: id, evalKey, trueClass: classIndex.optional(), predicted: classIndex.optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.array(ClassVideo),
  },
  'maps.videos': { input: z.object({ runIds }).strict(), output: z.array(MapVideo) },
  'maps.get': { input: z.object({ runId: id, evalKey, video: z.string().min(1).max(2000) }).strict(), output: VideoMaps },
  /** The bytes of a map or frames artifact as base64 (the Electron face; `stdd serve` also has GET /api/artifacts/<id>). */
  'artifacts.read': { input: z.object({ id }).strict(), output: z.object({ mime: z.string(), base64: z.string() }) },
  'runs.evaluate': {
    input: z
      .object({
        runId: id,
        checkpoint: CheckpointChoice.default('final'),
        /** Evaluation targets as in an experiment file's `eval:` list (default: the run's own). */
        evals: z.array(EvalTarget).min(1).max(20).optional(),
        text: z
          .object({
            promptSet: z.enum(PROMPT_SETS).optional(),
            /** A knowledge-graph version (its id, as `stdd askg list` shows). */
            graphVersionId: id.optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    output: RunSummary,
  },
} as const
