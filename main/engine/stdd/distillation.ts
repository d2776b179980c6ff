import * as tf from '@tensorflow/tfjs'
import { deviceScalar } from '../tf/device_scalar'
import { activation } from '../tf/activations'
import { linear } from '../tf/linear'
import { l2Normalize } from './alignment'
import type { DistillGradient } from './config'
import { stopGradient } from './stop_gradient'
import { normalValues, streamSeed, STREAMS } from '../util/random'

/**
 * Feature distillation against a frozen plain CLIP (docs/method.md §4.3–4.4, from FROSTER):
 *   p(z) = z + α·P(z),  P = Linear(E→E, no bias) → GELU → Linear(E→E, no bias)
 *   L_FD = 1 − mean over frames of cos(p(v̂), v̂_teacher)
 * The first layer is Kaiming-normal, the second zero, so p starts as the identity.
 * `gradient`: 'flow' lets gradients reach the projector and the student (the paper's intent);
 * 'stop' computes the same value with no gradient at all (the released code computes p under
 * no_grad); 'off' skips the term.
 */

export interface Projector {
  /** [E, E], Hugging Face / PyTorch layout [out, in]. */
  fc1: tf.Variable
  fc2: tf.Variable
  alpha: number
}

/** A fresh projector for width `width`: fc1 ~ N(0, 2/width) (kaiming_normal_, fan_in) drawn from `seed`, fc2 = 0. */
export function createProjector(width: number, alpha: number, seed = 0): Projector {
  return tf.tidy(() => ({
    fc1: tf.variable(tf.tensor2d(normalValues(width * width, Math.sqrt(2 / width), streamSeed(STREAMS.projectorInit, seed)), [width, width]), true),
    fc2: tf.variable(tf.zeros([width, width]), true),
    alpha,
  }))
}

export function disposeProjector(p: Projector): void {
  p.fc1.dispose()
  p.fc2.dispose()
}

/** p(z) over the last axis. */
export function project(z: tf.Tensor2D, p: Projector): tf.Tensor2D {
  return tf.tidy(() => tf.add(z, tf.mul(linear(activation(linear(z, { weight: p.fc1 }), 'gelu'), { weight: p.fc2 }), deviceScalar(p.alpha))) as tf.Tensor2D)
}

/**
 * L_FD for student and teacher frame embeddings [N, E] (normalised inside). The teacher never gets a
 * gradient. Returns null when `gradient` is 'off'.
 */
export function distillationLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, projector: Projector, gradient: DistillGradient): tf.Scalar | null {
  if (gradient === 'off') return null
  if (student.shape[0] !== teacher.shape[0] || student.shape[1] !== teacher.shape[1]) {
    throw new Error(`distillationLoss: student [${student.shape}] and teacher [${teacher.shape}] embeddings differ in shape`)
  }
  return tf.tidy(() => {
    const t = stopGradient(l2Normalize(teacher))
    const cos = tf.sum(tf.mul(l2Normalize(project(l2Normalize(student), projector)), t), -1)
    const loss = tf.sub(deviceScalar(1), tf.mean(cos)) as tf.Scalar
    return gradient === 'stop' ? stopGradient(loss) : loss
  })
}
