/**
 * Opt-in f16 storage for the engine's WebGPU matrix products: `STDD_WEBGPU_STORAGE=f16` makes the
 * product's operand tiles f16 in workgroup memory (half the bytes: room for larger tiles, half the
 * shared-memory traffic) while every product still accumulates in f32 and every tensor (weights,
 * activations, the optimizer's master weights and moments) stays f32. It needs the adapter's
 * `shader-f16` feature; without it the engine says so, naming the adapter, and keeps f32.
 */

export type StorageMode = 'f32' | 'f16'

/** `STDD_WEBGPU_STORAGE` (default f32); an unknown value is an error naming the choices. */
export function wantedStorage(env: string | undefined = process.env.STDD_WEBGPU_STORAGE): StorageMode {
  const v = env ?? 'f32'
  if (v !== 'f32' && v !== 'f16') throw new Error(`STDD_WEBGPU_STORAGE: unknown value "${v}"; choose f32 or f16`)
  return v
}

/** The storage the kernels use for `wanted` on a device with `features`, and a note when f16 was asked for but cannot be had. */
export function resolveStorage(wanted: StorageMode, features: ReadonlySet<string>, adapter: string): { mode: StorageMode; note: string | null } {
  if (wanted === 'f32') return { mode: 'f32', note: null }
  if (features.has('shader-f16')) return { mode: 'f16', note: null }
  return { mode: 'f32', note: `STDD_WEBGPU_STORAGE=f16: the adapter ${adapter} does not offer shader-f16, so f16 storage is unavailable; using f32` }
}

let active: StorageMode = 'f32'

/** The storage of the matrix products from now on (install.ts sets it; tests switch it). */
export function setStorage(mode: StorageMode): void {
  active = mode
}

export function activeStorage(): StorageMode {
  return active
}
