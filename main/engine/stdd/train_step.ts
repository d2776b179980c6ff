import * as tf from '@tensorflow/tfjs'
import { readScalars } from '../tf/read'
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

export async function stddTrainStep(model: StddVideoModel, batch: TrainBatch, optimizer: AdamW, opts: StepOptions): Promise<StepResult> {
  const vars = trainableVariables(model)
  if (vars.length === 0) throw new Error(`stddTrainStep: adaptation mode "${model.config.adaptation.mode}" trains no parameter`)
  const teacherEmbeds = model.teacher && model.projector ? teacherForward(model.teacher, model, batch.clips) : null
  const kept: { ce?: tf.Scalar; fd?: tf.Scalar } = {}
  try {
    const { value, grads } = tf.variableGrads(() => {
      const l = stddLosses(model, batch, teacherEmbeds, opts)
      kept.ce = tf.keep(l.ce)
      if (l.fd) kept.fd = tf.keep(l.fd)
      return l.total
    }, vars)
    const gradNorm = optimizer.step(vars, vars.map((v) => grads[v.name] ?? null))
    tf.dispose(Object.values(grads))
    return await readScalars({ total: value, ce: kept.ce!, gradNorm, fd: kept.fd ?? null })
  } finally {
    teacherEmbeds?.dispose()
    // after readScalars these are disposed already (a second dispose does nothing); on an error, not yet
    tf.dispose([kept.ce, kept.fd].filter((t): t is tf.Scalar => t !== undefined))
  }
}
