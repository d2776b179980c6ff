/**
 * Opt-in f16 storage for the engine's WebGPU matrix products, asked for by the setting `webgpuStorage`
 * (Settings view) or `STDD_WEBGPU_STORAGE=f16` (the environment wins over the setting): the weights the
 * products read are kept as packed f16 copies beside their f32 masters (packed_weights.ts), and the
 * products' operand tiles are f16 in workgroup memory, while every product still accumulates in f32 and
 * every other tensor (activations, gradients, the optimizer's master weights and moments) stays f32.
 * It needs the adapter's `shader-f16` feature; without it the engine says so, naming the adapter, and keeps f32.
 */

export type StorageMode = 'f32' | 'f16'

/** The storage asked for and where the request came from (for `stdd info`). */
export interface WantedStorage {
  mode: StorageMode
  source: string
}

/**
 * `STDD_WEBGPU_STORAGE` (default f32); `fromSetting`: the engine put the variable there from the
 * setting `webgpuStorage`. An unknown value is an error naming the choices.
 */
export function wantedStorage(env: string | undefined = process.env.STDD_WEBGPU_STORAGE, fromSetting = false): WantedStorage {
  if (env === undefined || env.trim() === '') return { mode: 'f32', source: 'the default' }
  const v = env.trim()
  if (v !== 'f32' && v !== 'f16') throw new Error(`STDD_WEBGPU_STORAGE: unknown value "${v}"; choose f32 or f16`)
  return { mode: v, source: fromSetting ? `the setting webgpuStorage=${v}` : `STDD_WEBGPU_STORAGE=${v} in the environment` }
}

/** The storage the kernels use for `wanted` on a device with `features`, and why. */
export function resolveStorage(wanted: WantedStorage, features: ReadonlySet<string>, adapter: string): { mode: StorageMode; why: string; note: string | null } {
  if (wanted.mode === 'f32') return { mode: 'f32', why: wanted.source, note: null }
  if (features.has('shader-f16')) return { mode: 'f16', why: wanted.source, note: null }
  const note = `f16 storage (${wanted.source}): the adapter ${adapter} does not offer shader-f16, so f16 storage is unavailable; using f32`
  return { mode: 'f32', why: note, note }
}

let active: StorageMode = 'f32'

/** The storage of the matrix products from now on (install.ts sets it; tests switch it). */
export function setStorage(mode: StorageMode): void {
  active = mode
}

export function activeStorage(): StorageMode {
  return active
}
