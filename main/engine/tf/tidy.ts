import * as tf from '@tensorflow/tfjs'

/**
 * `tf.tidy` for a function that returns a record of tensors (optional fields, nulls and nested
 * records included), typed as that record. tfjs types tidy's result as a `TensorContainer`, which an
 * interface with optional or null fields is not assignable to, although tidy keeps every tensor in it
 * alive at run time; this is the one place that says so.
 */
export function tidyRecord<T extends object>(fn: () => T): T {
  return tf.tidy(() => fn() as unknown as tf.TensorContainer) as unknown as T
}
