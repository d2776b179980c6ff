import * as tf from '@tensorflow/tfjs'

/**
 * Reading values back to the CPU without blocking. GPU backends in Node have no synchronous read
 * (tfjs-backend-webgpu's `dataSync` needs a browser's OffscreenCanvas), and a synchronous read
 * would stall the queue anyway: the engine queues its work, then awaits these.
 */

/**
 * The first value of each tensor, in one read: they are gathered into one small tensor on the device
 * first, so a GPU step waits for one GPU→CPU copy, not one per value. The tensors are disposed.
 */
export async function readNumbers(tensors: readonly tf.Tensor[]): Promise<number[]> {
  if (tensors.length === 0) return []
  try {
    const gathered = tf.tidy(() => tf.concat(tensors.map((t) => tf.cast(t.flatten().slice(0, 1), 'float32'))))
    try {
      return Array.from(await gathered.data())
    } finally {
      gathered.dispose()
    }
  } finally {
    tf.dispose([...tensors])
  }
}

type Read<T> = { [K in keyof T]: null extends T[K] ? number | null : number }

/** {@link readNumbers} for a record of scalars (null entries stay null); the tensors are disposed. */
export async function readScalars<T extends Record<string, tf.Tensor | null>>(values: T): Promise<Read<T>> {
  const keys = Object.keys(values).filter((k) => values[k] !== null)
  const read = await readNumbers(keys.map((k) => values[k]!))
  const out: Record<string, number | null> = Object.fromEntries(Object.keys(values).map((k) => [k, null]))
  keys.forEach((k, i) => (out[k] = read[i]!))
  return out as Read<T>
}
