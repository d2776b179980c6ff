import * as tf from '@tensorflow/tfjs'
import { trainableVariables, type StddVideoModel } from './adaptation'
import type { AdamW } from './adamw'
import { classScores } from './alignment'
import { distillationLoss } from './distillation'
import { crossEntropy } from './losses'
import type { Rng } from './random'
import { stddForward, teacherForward } from './video_model'

/**
 * One STDD training step (method-spec §2, §4): student forward with STCA (training masks), scores
 * over the seen classes' prompts, L = CE + weight·L_FD against the frozen teacher, backward, AdamW on
 * the adaptation mode's trainable variables. The teacher runs before the gradient tape starts, so
 * none of its activations are kept.
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
  total: number
  ce: number
  fd: number | null
  gradNorm: number
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
  const total = fd ? (tf.add(ce, tf.mul(fd, distillation.weight)) as tf.Scalar) : ce
  return { total, ce, fd }
}

export function stddTrainStep(model: StddVideoModel, batch: TrainBatch, optimizer: AdamW, opts: StepOptions): StepResult {
  const vars = trainableVariables(model)
  if (vars.length === 0) throw new Error(`stddTrainStep: adaptation mode "${model.config.adaptation.mode}" trains no parameter`)
  const teacherEmbeds = model.teacher && model.projector ? teacherForward(model.teacher, model, batch.clips) : null
  let ce = NaN
  let fd: number | null = null
  try {
    const { value, grads } = tf.variableGrads(() => {
      const l = stddLosses(model, batch, teacherEmbeds, opts)
      ce = l.ce.dataSync()[0]!
      fd = l.fd ? l.fd.dataSync()[0]! : null
      return l.total
    }, vars)
    const total = value.dataSync()[0]!
    value.dispose()
    const gradNorm = optimizer.step(vars, vars.map((v) => grads[v.name] ?? null))
    tf.dispose(Object.values(grads))
    return { total, ce, fd, gradNorm }
  } finally {
    teacherEmbeds?.dispose()
  }
}
