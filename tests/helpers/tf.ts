import * as tf from '@tensorflow/tfjs'
import { parseBackendName } from '../../contract/vocabulary'
import { describeBackend, selectBackend } from '../../main/engine/tf/backend'

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

/**
 * Starts the backend the parity fixtures run on: `STDD_BACKEND` (e.g. `webgpu`, with
 * `eval "$(bash tools/gpu/lavapipe.sh)"` on a machine without a GPU), else WASM; prints which.
 */
export async function useFixtureBackend(): Promise<typeof tf> {
  const name = process.env.STDD_BACKEND ? parseBackendName(process.env.STDD_BACKEND, 'STDD_BACKEND') : 'wasm'
  const report = await selectBackend(name)
  await tf.setBackend(tf.findBackend(name) ? name : tf.getBackend())
  console.log(`parity fixtures on ${describeBackend(report).split('\n')[0]}`)
  return tf
}
