import * as tf from '@tensorflow/tfjs'
import { createClipLoader, prefetch, type ClipLoader } from '../data'
import type { ExperimentConfig } from '../experiments/schema'
import type { RunContext } from '../runs/executor'
import { throwIfCancelled } from '../runs/executor'
import type { StddVideoModel } from '../stdd/adaptation'
import { predictClips } from '../stdd/capture'
import { addArtifact, removeArtifacts } from '../store/artifacts'
import { saveClassResults } from '../store/class-results'
import { recordStep } from '../store/metrics'
import { clipsTensor } from '../train/model-input'
import type { PromptFeatures } from '../train/text-features'
import { evalSets, type EvalSet, type ModelGeometry } from '../train/video-data'
import { classify, meanStd } from './metrics'

/**
 * Zero-shot evaluation (method-spec §5): every video's view scores are summed (no softmax), top-1 and
 * top-5 per evaluation set, mean ± sample std over a protocol's subsets or splits, per-class accuracy
 * and confusion, videos that could not be read skipped and counted. The first few videos of each set
 * also leave their class-token attention maps and frame × prompt score maps as artifacts.
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

/** Videos per evaluation set whose attention and score maps are kept. */
const CAPTURED_PER_SET = 4

/** `synthmotion/unseen`, `ucf101/ep1`…: the column of result tables. */
export function evalKey(target: EvalTarget): string {
  return target.dataset === 'synthmotion' ? `synthmotion/${target.synth.classes ?? 'unseen'}` : `${target.dataset}/${target.protocol}`
}

interface SetOutcome {
  name: string
  top1: number
  top5: number
  videos: number
  skipped: number
  /** SynthMotion: accuracy of telling each class from its order-only partner. */
  pairAccuracy: number | null
}

/** The tensor's float32 bytes (read asynchronously: GPU backends have no synchronous read in Node); the tensor is disposed. */
async function floatBlob(t: tf.Tensor): Promise<Uint8Array> {
  try {
    const data = (await t.data()) as Float32Array
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  } finally {
    t.dispose()
  }
}

async function evaluateSet(inputs: EvalInputs, target: EvalTarget, set: EvalSet, key: string, features: tf.Tensor3D, done: { videos: number; total: number; started: number }): Promise<SetOutcome> {
  const { ctx, model } = inputs
  const rows: Float32Array[] = []
  const labels: number[] = []
  let skipped = set.missing
  let captured = 0
  let pairHits = 0
  let pairTotal = 0
  const setKey = `${key}/${set.name}`
  removeArtifacts(ctx.db, ctx.runId, 'attention_map', `${setKey}:`)
  removeArtifacts(ctx.db, ctx.runId, 'score_map', `${setKey}:`)
  for await (const loaded of prefetch(Array.from({ length: set.size }, (_, i) => i), (i) => set.load(i, null))) {
    throwIfCancelled(ctx.signal)
    done.videos++
    if (!loaded.ok) {
      if (!target.skipBroken) throw loaded.error
      skipped++
      ctx.log(`skipped ${set.describe(loaded.index)}: ${loaded.error.message}`)
      continue
    }
    const clip = loaded.value
    const views = clip.shape[0]
    const capture = captured < CAPTURED_PER_SET
    // The views of one video go through the model as one batch.
    const input = tf.tidy(() => tf.concat(Array.from({ length: views }, (_, v) => clipsTensor([clip], v))) as tf.Tensor5D)
    const p = predictClips(model, input, features, { capture })
    const summed = tf.tidy(() => tf.sum(p.scores, 0))
    const row = (await summed.data()) as Float32Array
    rows.push(Float32Array.from(row))
    labels.push(clip.label)
    const partner = set.partners?.[clip.label] ?? -1
    if (partner >= 0) {
      pairTotal++
      if (row[clip.label]! > row[partner]!) pairHits++
    }
    if (capture) {
      const name = `${setKey}:${set.describe(loaded.index)}`
      const meta = { video: set.describe(loaded.index), label: clip.label, className: set.classes[clip.label], predicted: row.indexOf(Math.max(...row)), view: 0 }
      if (p.clsAttention) {
        const a = tf.tidy(() => p.clsAttention!.slice([0], [1]).squeeze([0]))
        const shape = a.shape
        addArtifact(ctx.db, { runId: ctx.runId, kind: 'attention_map', name, step: inputs.step, blob: await floatBlob(a), mime: 'application/x-float32', meta: { ...meta, shape, what: 'class token → patches attention of the last block, mean over heads, per frame' } })
      }
      if (p.frameByPrompt) {
        const s = tf.tidy(() => p.frameByPrompt!.slice([0], [1]).squeeze([0]))
        const shape = s.shape
        addArtifact(ctx.db, { runId: ctx.runId, kind: 'score_map', name, step: inputs.step, blob: await floatBlob(s), mime: 'application/x-float32', meta: { ...meta, shape, classes: set.classes, what: 'λ·cos(frame, prompt): [frames, classes, prompts per class]' } })
      }
      captured++
    }
    tf.dispose([input, summed, p.scores, p.frameEmbeds, ...(p.clsAttention ? [p.clsAttention] : []), ...(p.frameByPrompt ? [p.frameByPrompt] : [])])
    const elapsed = (Date.now() - done.started) / 1000
    ctx.progress({ phase: 'eval', step: done.videos, totalSteps: done.total, epoch: ctx.config.train.epochs, loss: null, throughput: done.videos / Math.max(elapsed, 1e-3), etaSeconds: (elapsed / done.videos) * (done.total - done.videos) })
  }
  if (rows.length === 0) throw new Error(`${setKey}: no video could be evaluated (${skipped} skipped)`)
  const result = classify(rows, labels, set.classes.length)
  saveClassResults(
    ctx.db,
    ctx.runId,
    setKey,
    result.perClass.map((c) => ({ ...c, className: set.classes[c.classIndex]!, confusion: result.confusion[c.classIndex] ?? {} })),
  )
  return { name: set.name, top1: result.top1, top5: result.top5, videos: result.videos, skipped, pairAccuracy: pairTotal ? (100 * pairHits) / pairTotal : null }
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
    for (const set of sets) {
      const text = await inputs.prompts(set.classes, target.dataset)
      if (outcomes.length === 0) ctx.db.prepare('UPDATE runs SET prompt_set_id = COALESCE(prompt_set_id, ?) WHERE id = ?').run(text.promptSet.id, ctx.runId)
      try {
        outcomes.push(await evaluateSet(inputs, target, set, key, text.features, done))
      } finally {
        text.features.dispose()
      }
      const o = outcomes[outcomes.length - 1]!
      ctx.log(`${key}${sets.length > 1 ? ` ${o.name}` : ''}: top-1 ${o.top1.toFixed(2)} %, top-5 ${o.top5.toFixed(2)} % over ${o.videos} videos${o.skipped ? ` (${o.skipped} skipped)` : ''}${o.pairAccuracy === null ? '' : `; order-only pairs ${o.pairAccuracy.toFixed(1)} %`}`)
    }
    const top1 = meanStd(outcomes.map((o) => o.top1))
    const values: Record<string, number> = {
      [`eval/${key}/top1`]: top1.mean,
      [`eval/${key}/top5`]: meanStd(outcomes.map((o) => o.top5)).mean,
      [`eval/${key}/n`]: top1.n,
      [`eval/${key}/videos`]: outcomes.reduce((n, o) => n + o.videos, 0),
      [`eval/${key}/skipped`]: outcomes.reduce((n, o) => n + o.skipped, 0),
    }
    if (top1.std !== null) values[`eval/${key}/top1_std`] = top1.std
    const pairs = outcomes.map((o) => o.pairAccuracy).filter((x): x is number => x !== null)
    if (pairs.length) values[`eval/${key}/pair_acc`] = meanStd(pairs).mean
    if (outcomes.length > 1) outcomes.forEach((o) => (values[`eval/${key}/${o.name.replace(/\s+/g, '_')}/top1`] = o.top1))
    recordStep(ctx.db, ctx.runId, inputs.step, ctx.config.train.epochs, values)
  }
}
