import * as tf from '@tensorflow/tfjs'
import { deviceScalar } from '../tf/device_scalar'
import { readScalars } from '../tf/read'
import { trainableVariables } from './adaptation'
import type { StddVideoModel } from './model'
import type { AdamW } from '../optim/adamw'
import { classScores } from './alignment'
import { distillationLoss } from './distillation'
import { crossEntropy } from './losses'
import type { Rng } from '../util/random'
import { stddForward, teacherForward } from './video_model'

/**
 * One STDD optimizer step (docs/method.md §2, §4), shared by the trainer and the bench: for each
 * micro-batch, student forward with STCA (training masks), scores over the seen classes' prompts,
 * L = CE + weight·L_FD against the frozen teacher, backward; the gradients are accumulated weighted
 * by clip count, so k micro-batches equal one batch of their union; then one AdamW update of the
 * adaptation mode's trainable variables. A variable that gets no gradient from any micro-batch is
 * passed to AdamW as null and left alone (no decay, no moment update), as PyTorch skips a
 * parameter whose `.grad` is None. The teacher runs before the gradient tape starts, so none of its
 * activations are kept. Values are read back only after the update is queued, so a GPU step never
 * stalls on a read.
 */

export interface TrainBatch {
  /** [B, T, C, H, W], normalised pixels. */
  clips: tf.Tensor5D
  /** Seen-class index per clip. */
  labels: readonly number[]
  /** Prompt embeddings of the seen classes [K, M, E] (precomputed by the frozen text tower). */
  prompts: tf.Tensor3D
}

export interface StepOptions {
  rng: Rng
  /** Activation recomputation per block (default true: a ViT-B/16 at 8 frames does not fit the WASM heap otherwise). */
  recompute?: boolean
}

export interface StepResult {
  /** Clip-weighted means over the micro-batches. */
  total: number
  ce: number
  fd: number | null
  /** The global L2 norm of the accumulated gradient, before clipping. */
  gradNorm: number
  /** Clips the step was computed on. */
  clips: number
}

/** The losses of a batch as tensors (differentiable), for use inside a gradient function. */
export function stddLosses(model: StddVideoModel, batch: TrainBatch, teacherEmbeds: tf.Tensor3D | null, opts: StepOptions): { total: tf.Scalar; ce: tf.Scalar; fd: tf.Scalar | null } {
  const { alignment, distillation } = model.config
  const student = stddForward(model, batch.clips, { training: true, rng: opts.rng, recompute: opts.recompute ?? true }).frameEmbeds
  const { scores } = classScores(student, batch.prompts, model.weights.logit_scale, { mode: alignment.mode, level: alignment.level })
  const ce = crossEntropy(scores, batch.labels)
  const [b, t, e] = student.shape
  const fd =
    teacherEmbeds && model.projector
      ? distillationLoss(student.reshape([b * t, e]), teacherEmbeds.reshape([b * t, e]), model.projector, distillation.gradient)
      : null
  const total = fd ? (tf.add(ce, tf.mul(fd, deviceScalar(distillation.weight))) as tf.Scalar) : ce
  return { total, ce, fd }
}

interface MicroBatchResult {
  total: tf.Scalar
  ce: tf.Scalar
  fd: tf.Scalar | null
  /** Per variable of `vars`, its gradient or null where the loss does not depend on it. */
  grads: (tf.Tensor | null)[]
}

function microBatchGradients(model: StddVideoModel, vars: readonly tf.Variable[], batch: TrainBatch, opts: StepOptions): MicroBatchResult {
  if (batch.clips.shape[0] !== batch.labels.length) throw new Error(`stddTrainStep: a micro-batch of ${batch.clips.shape[0]} clips has ${batch.labels.length} labels`)
  const teacherEmbeds = model.teacher && model.projector ? teacherForward(model.teacher, model, batch.clips) : null
  const kept: { ce?: tf.Scalar; fd?: tf.Scalar } = {}
  try {
    const { value, grads } = tf.variableGrads(() => {
      const l = stddLosses(model, batch, teacherEmbeds, opts)
      kept.ce = tf.keep(l.ce)
      if (l.fd) kept.fd = tf.keep(l.fd)
      return l.total
    }, [...vars])
    return { total: value, ce: kept.ce!, fd: kept.fd ?? null, grads: vars.map((v) => grads[v.name] ?? null) }
  } catch (err) {
    tf.dispose([kept.ce, kept.fd].filter((t): t is tf.Scalar => t !== undefined))
    throw err
  } finally {
    teacherEmbeds?.dispose()
  }
}

/**
 * The clip-weighted mean of a value over micro-batches, Σ nᵢ·xᵢ / Σ nᵢ. A single micro-batch's value is
 * its mean as it is: no op and no scalar to upload (the common case, one micro-batch per step).
 */
class WeightedMean {
  private first: { x: tf.Tensor; n: number } | null = null
  private sum: tf.Tensor | null = null

  /** Adds `x` (null: a missing term) of a micro-batch of `n` clips; `x` stays the caller's. */
  add(x: tf.Tensor | null, n: number): void {
    if (x === null) return
    if (!this.first && !this.sum) {
      this.first = { x: tf.keep(x.clone()), n }
      return
    }
    const prev = this.sum ?? this.first!.x
    const next = tf.tidy(() => tf.add(this.sum ?? tf.mul(this.first!.x, deviceScalar(this.first!.n)), tf.mul(x, deviceScalar(n))))
    prev.dispose()
    this.first = null
    this.sum = next
  }

  /** The mean over `clips` clips (a new tensor), or null when every term was missing. */
  mean(clips: number): tf.Tensor | null {
    if (this.first) return this.first.x.clone()
    return this.sum ? tf.div(this.sum, deviceScalar(clips)) : null
  }

  dispose(): void {
    tf.dispose([this.first?.x, this.sum].filter((t): t is tf.Tensor => t != null))
  }
}

/**
 * One optimizer step over `microBatches` (each disposed by its producer; a producer may create them
 * lazily, so only one micro-batch's clips need be in memory). Returns null when the micro-batches hold
 * no clip (nothing is updated then).
 */
export async function stddTrainStep(
  model: StddVideoModel,
  microBatches: Iterable<TrainBatch> | AsyncIterable<TrainBatch>,
  optimizer: AdamW,
  opts: StepOptions,
): Promise<StepResult | null> {
  const vars = trainableVariables(model)
  if (vars.length === 0) throw new Error(`stddTrainStep: adaptation mode "${model.config.adaptation.mode}" trains no parameter`)
  const grads = vars.map(() => new WeightedMean())
  const sums = { total: new WeightedMean(), ce: new WeightedMean(), fd: new WeightedMean() }
  let clips = 0
  try {
    for await (const batch of microBatches) {
      const n = batch.labels.length
      if (n === 0) continue
      const r = microBatchGradients(model, vars, batch, opts)
      try {
        grads.forEach((sum, i) => sum.add(r.grads[i]!, n))
        sums.total.add(r.total, n)
        sums.ce.add(r.ce, n)
        sums.fd.add(r.fd, n)
      } finally {
        // without distillation the total is the CE tensor itself: disposed once, after both sums
        tf.dispose([r.total, r.ce, ...(r.fd ? [r.fd] : []), ...r.grads.filter((g): g is tf.Tensor => g !== null)])
      }
      clips += n
    }
    if (clips === 0) return null
    const averaged = grads.map((g) => g.mean(clips))
    let gradNorm: tf.Scalar
    try {
      gradNorm = optimizer.step(vars, averaged)
    } finally {
      tf.dispose(averaged.filter((g): g is tf.Tensor => g !== null))
    }
    const read = await readScalars({ total: sums.total.mean(clips)!, ce: sums.ce.mean(clips)!, fd: sums.fd.mean(clips), gradNorm })
    return { ...read, clips }
  } finally {
    for (const m of [...grads, sums.total, sums.ce, sums.fd]) m.dispose()
  }
}
