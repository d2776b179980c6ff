import * as tf from '@tensorflow/tfjs'

/** A forward value and its gradient function, for {@link customOp}. */
export interface CustomOpResult {
  value: tf.Tensor
  /** dy → one gradient per input, same shapes as the inputs. */
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[]
}

/**
 * `tf.customGrad` with typed tensor inputs: `f(inputs, save)` returns the value and the gradient
 * function. Inside `f` no gradient tape is recorded, so intermediates are not kept.
 */
export function customOp(f: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => CustomOpResult): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const r = f(args.slice(0, -1) as tf.Tensor[], save)
    return { value: r.value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => r.gradFunc(dy, saved) }
  })
  return (...inputs: tf.Tensor[]) => op(...inputs)
}
