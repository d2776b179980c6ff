import * as tf from '@tensorflow/tfjs'
import { matMul } from '../tf/matmul'

/** CLIP's cap on the learnable temperature: exp(logit_scale) ≤ 100. */
export const MAX_LOGIT_SCALE = Math.log(100)

/** Rows scaled to unit L2 norm (differentiable). */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), -1, true), 1e-12))))
}

/** −mean(log softmax(logits)[i, i]): cross-entropy of each row against its own index. */
function diagonalCrossEntropy(logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const eye = tf.eye(logits.shape[0], logits.shape[1])
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits, -1), eye), -1))) as tf.Scalar
  })
}

/**
 * CLIP's symmetric InfoNCE: logits = exp(logit_scale) · cos(image i, text j); the mean of the
 * image→text and text→image cross-entropies with the matching pair (the diagonal) as the target.
 */
export function clipContrastiveLoss(imageEmbeds: tf.Tensor2D, textEmbeds: tf.Tensor2D, logitScale: tf.Tensor): tf.Scalar {
  if (imageEmbeds.shape[0] !== textEmbeds.shape[0]) throw new Error(`contrastive loss: ${imageEmbeds.shape[0]} images but ${textEmbeds.shape[0]} texts (one caption per image)`)
  return tf.tidy(() => {
    const logits = tf.mul(matMul(l2Normalize(imageEmbeds), l2Normalize(textEmbeds), false, true), tf.exp(logitScale)) as tf.Tensor2D
    return tf.div(tf.add(diagonalCrossEntropy(logits), diagonalCrossEntropy(tf.transpose(logits))), 2) as tf.Scalar
  })
}
