import * as tf from '@tensorflow/tfjs'

/**
 * The classification loss (docs/method.md §4.2, paper Eq. 9): softmax cross-entropy of the scores S
 * over the seen classes, averaged over the batch. With integer labels pytorchvideo's
 * SoftTargetCrossEntropyLoss (the released loss) is exactly this.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: ArrayLike<number>): tf.Scalar {
  const [b, k] = logits.shape
  if (labels.length !== b) throw new Error(`crossEntropy: ${labels.length} labels for a batch of ${b}`)
  for (let i = 0; i < b; i++) {
    const y = labels[i]!
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new Error(`crossEntropy: label ${y} is not a class index in 0..${k - 1}`)
  }
  return tf.tidy(() => {
    const onehot = tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), k)
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits, -1)), -1))) as tf.Scalar
  })
}
