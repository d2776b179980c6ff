import * as tf from '@tensorflow/tfjs'
import { evalKey } from '../../../contract/vocabulary'
import { createClipLoader, prefetch, type ClipLoader } from '../data'
import type { ExperimentConfig } from '../experiments/schema'
import type { RunContext } from '../runs/executor'
import { throwIfCancelled } from '../runs/executor'
import type { StddVideoModel } from '../stdd/model'
import { predictClips } from '../stdd/capture'
import { clipsTensor } from '../train/model-input'
import type { PromptFeatures } from '../train/text-features'
import { evalSets, type EvalSet, type ModelGeometry } from '../train/video-data'
import type { UnusableVideo } from './coverage'
import { classify } from './metrics'
import { recordSetOutcome, setFailure, targetMetrics, type SetOutcome } from './set-results'
import { createSetCapture } from './set-capture'
import { yieldToEventLoop } from '../util/event-loop'

/**
 * Zero-shot evaluation (docs/method.md §5): every video's view scores are summed (no softmax), top-1 and
 * top-5 per evaluation set, mean ± sample std over a protocol's subsets or splits, per-class accuracy
 * and confusion; listed videos missing on disk and videos that could not be read are skipped and
 * counted apart (coverage.ts), and each set is stored as soon as it is done (set-results.ts). Every video's top-5 predictions are
 * kept, and every video (within a size budget) leaves its frames, class-token attention and frame ×
 * prompt scores as compact artifacts (set-capture.ts).
 */

type EvalTarget = ExperimentConfig['eval'][number]

export interface EvalInputs {
  ctx: RunContext
  model: StddVideoModel
  geometry: ModelGeometry
  /** Prompt features of a set's classes under the run's text config. */
  prompts(classes: readonly string[], dataset: string): Promise<PromptFeatures>
  /** The step the results are recorded at (the training's last). */
  step: number
  /** Decodes videos on disk (default: a clip worker pool of its own, per STDD_DATA_WORKERS, closed at the end). */
  loader?: ClipLoader
}


async function evaluateSet(inputs: EvalInputs, target: EvalTarget, set: EvalSet, key: string, text: PromptFeatures, done: { videos: number; total: number; started: number }): Promise<SetOutcome> {
  const { ctx, model } = inputs
  const rows: Float32Array[] = []
  const labels: number[] = []
  const broken: UnusableVideo[] = []
  let pairHits = 0
  let pairTotal = 0
  const setKey = `${key}/${set.name}`
  const capture = createSetCapture({ out: ctx.out, setKey, step: inputs.step, classes: set.classes, partners: set.partners, geometry: inputs.geometry, promptSetHash: text.promptSet.hash, log: ctx.log })
  for await (const loaded of prefetch(Array.from({ length: set.size }, (_, i) => i), (i) => set.load(i, null))) {
    throwIfCancelled(ctx.signal)
    done.videos++
    if (!loaded.ok) {
      if (!target.skipBroken) throw loaded.error
      broken.push({ video: set.describe(loaded.index), reason: loaded.error.message })
      ctx.log(`skipped ${set.describe(loaded.index)}: ${loaded.error.message}`)
      continue
    }
    const clip = loaded.value
    const views = clip.shape[0]
    // The views of one video go through the model as one batch.
    const input = tf.tidy(() => tf.concat(Array.from({ length: views }, (_, v) => clipsTensor([clip], v))) as tf.Tensor5D)
    const p = predictClips(model, input, text.features, { capture: capture.wantsMaps() })
    const summed = tf.tidy(() => tf.sum(p.scores, 0))
    const row = (await summed.data()) as Float32Array
    rows.push(Float32Array.from(row))
    labels.push(clip.label)
    const partner = set.partners?.[clip.label] ?? -1
    if (partner >= 0) {
      pairTotal++
      if (row[clip.label]! > row[partner]!) pairHits++
    }
    await capture.record(loaded.index, set.describe(loaded.index), clip, row, p)
    tf.dispose([input, summed, p.scores, p.frameEmbeds, ...(p.clsAttention ? [p.clsAttention] : []), ...(p.frameByPrompt ? [p.frameByPrompt] : [])])
    const elapsed = (Date.now() - done.started) / 1000
    ctx.progress({ phase: 'eval', step: done.videos, totalSteps: done.total, epoch: ctx.config.train.epochs, loss: null, throughput: done.videos / Math.max(elapsed, 1e-3), etaSeconds: (elapsed / done.videos) * (done.total - done.videos) })
    await yieldToEventLoop()
  }
  if (rows.length === 0) throw new Error(`${setKey}: no video could be evaluated (${set.missing.length} listed videos missing on disk, ${broken.length} broken)`)
  const result = classify(rows, labels, set.classes.length)
  capture.finish()
  ctx.out.classResults(
    setKey,
    result.perClass.map((c) => ({ ...c, className: set.classes[c.classIndex]!, confusion: result.confusion[c.classIndex] ?? {} })),
  )
  const coverage = { listed: set.size + set.missing.length, missing: set.missing.map((video) => ({ video, reason: 'not on disk' })), broken }
  return { name: set.name, top1: result.top1, top5: result.top5, videos: result.videos, coverage, pairAccuracy: pairTotal ? (100 * pairHits) / pairTotal : null }
}

/** Evaluates every target of the run's config and records `eval/<key>/…` metrics at `step`. */
export async function evaluate(inputs: EvalInputs): Promise<void> {
  const loader = inputs.loader ?? createClipLoader()
  try {
    await evaluateTargets(inputs, loader)
  } finally {
    if (!inputs.loader) await loader.close()
  }
}

async function evaluateTargets(inputs: EvalInputs, loader: ClipLoader): Promise<void> {
  const { ctx } = inputs
  const plans = ctx.config.eval.map((target) => ({ target, key: evalKey(target), sets: evalSets(ctx.config, target, inputs.geometry, loader) }))
  const done = { videos: 0, total: plans.reduce((n, p) => n + p.sets.reduce((m, s) => m + s.size, 0), 0), started: Date.now() }
  for (const { target, key, sets } of plans) {
    const outcomes: SetOutcome[] = []
    for (const note of new Set(sets.flatMap((s) => s.notes))) ctx.log(note)
    for (const set of sets) {
      try {
        const text = await inputs.prompts(set.classes, target.dataset)
        ctx.out.usesPromptSet(`${key}/${set.name}`, text.promptSet.hash)
        try {
          outcomes.push(await evaluateSet(inputs, target, set, key, text, done))
        } finally {
          text.features.dispose()
        }
      } catch (err) {
        throw setFailure(key, set.name, outcomes, sets.length, err)
      }
      // Stored now, so that a later set's failure keeps it.
      recordSetOutcome(ctx, inputs.step, key, outcomes[outcomes.length - 1]!, sets.length > 1, target.warnUnusablePct)
    }
    ctx.out.metrics(inputs.step, ctx.config.train.epochs, targetMetrics(key, outcomes))
  }
}
