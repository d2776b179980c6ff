import { readdirSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../../main/engine/tf/backend'

/**
 * WebGPU tests run where an adapter may be used: a GPU device (/dev/dri/renderD*, /dev/nvidia*), or a
 * software one allowed by STDD_WEBGPU_ALLOW_SOFTWARE=1 (`eval "$(bash tools/gpu/lavapipe.sh)"`; CI does).
 * There, failing to start WebGPU fails the tests.
 */
function hasGpuDevice(): boolean {
  const any = (dir: string, prefix: string): boolean => {
    try {
      return readdirSync(dir).some((n) => n.startsWith(prefix))
    } catch {
      return false
    }
  }
  return any('/dev/dri', 'renderD') || any('/dev', 'nvidia')
}

export const WEBGPU_TESTABLE = process.env.STDD_WEBGPU_ALLOW_SOFTWARE === '1' || hasGpuDevice()
export const WEBGPU_SKIP_REASON = 'no WebGPU adapter allowed here: run `eval "$(bash tools/gpu/lavapipe.sh)"` first'

export async function useWebgpu(): Promise<typeof tf> {
  await selectBackend('webgpu')
  await tf.setBackend('webgpu')
  return tf
}

/** Runs `f` on tfjs's CPU backend (the reference) and returns its tensors' values; back on WebGPU after. */
export async function onCpu(f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend('cpu')
  try {
    const ts = tf.tidy(f)
    const values = ts.map((t) => t.dataSync() as Float32Array)
    tf.dispose(ts)
    return values
  } finally {
    await tf.setBackend('webgpu')
  }
}

/** The values of WebGPU tensors, read without blocking (Node has no synchronous WebGPU read); disposes them. */
export async function readAll(ts: tf.Tensor[]): Promise<Float32Array[]> {
  try {
    return (await Promise.all(ts.map((t) => t.data()))) as Float32Array[]
  } finally {
    tf.dispose(ts)
  }
}

/** max |a − b| / max(1, |b|) */
export function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity
  let worst = 0
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!))
    if (!(e <= worst)) worst = e
  }
  return worst
}

/** Deterministic values in [-1, 1). */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  let s = seed >>> 0 || 1
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = s / 2 ** 31 - 1
  }
  return out
}
