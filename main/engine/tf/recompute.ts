import * as tf from '@tensorflow/tfjs'
import { customOp } from './custom_grad'

/**
 * Activation recomputation ("gradient checkpointing") for one block: `recompute(fn, x, params)`
 * returns `fn(x, params)` but keeps none of the block's intermediate tensors for the backward pass.
 * When the gradient is needed, `fn` runs again under its own gradient tape and is differentiated
 * with respect to `x` and every tensor in `params`. Only `x` and the parameters are kept.
 *
 * Why: tfjs keeps every intermediate for backprop (≈0.8 GB per ViT-B/16 block at 8 frames) and the
 * WASM heap stops at 4 GiB; with recomputation a 12-block tower keeps one block's activations at a
 * time, for ≈1/3 more compute.
 *
 * `fn` must be deterministic (no dropout without a fixed seed) and must compute its output only
 * from `x`, `params` and constants: a trainable tensor that `fn` reads from a closure gets no
 * gradient. Pass every tensor that needs a gradient in `params`.
 */
export function recompute(fn: (x: tf.Tensor, params: tf.Tensor[]) => tf.Tensor, x: tf.Tensor, params: tf.Tensor[]): tf.Tensor {
  const op = customOp((inputs, save) => {
    save(inputs)
    // Inside a custom-gradient forward tfjs records no tape: nothing of the block is kept.
    const value = fn(inputs[0]!, inputs.slice(1))
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const engine = tf.engine()
      // tf.grads below starts a fresh tape and, at its end, clears the engine's active tape: the
      // outer backward pass still owns its tape (and disposes its saved tensors from it), so put
      // it back afterwards.
      const outerTape = engine.state.activeTape
      try {
        const f = (...xs: tf.Tensor[]): tf.Tensor => fn(xs[0]!, xs.slice(1))
        return tf.grads(f)(saved, dy)
      } finally {
        engine.state.activeTape = outerTape
      }
    }
    return { value, gradFunc }
  })
  return op(x, ...params)
}
