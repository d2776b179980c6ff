import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../../main/engine/tf/backend'

/** Starts the WASM backend (what CPU users run) for a test file. */
export async function useWasm(): Promise<typeof tf> {
  await selectBackend('wasm')
  return tf
}

/** Runs `fn` and fails if it leaves tensors behind. */
export async function expectNoLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors
  const out = await fn()
  const after = tf.memory().numTensors
  if (after !== before) throw new Error(`tensor leak: ${after - before} tensor(s) left behind`)
  return out
}
