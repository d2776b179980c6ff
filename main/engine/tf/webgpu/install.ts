import * as tf from '@tensorflow/tfjs'
import { watchTransfers } from './counters'
import type { TfWebgpuBackend } from './gpu_types'
import { ATTENTION_KERNELS } from './attention'
import { webgpuReport } from './device'
import { registerConstantFreeGradients } from './gradients'
import { argMax, castToFloat } from './int_ops'
import { LAYER_NORM_KERNELS } from './layer_norm'
import { planMatMul, runMatMul, WGSL_MATMUL, wgslMatMulKernel } from './matmul'
import { setFromSettings } from '../../settings/app-settings'
import { activeStorage, resolveStorage, setStorage, wantedStorage } from './storage'

/** Whether the engine's WGSL kernel `name` runs on the active backend. */
export function usesWebgpuKernel(name: string): boolean {
  return tf.getBackend() === BACKEND && tf.getKernel(name, BACKEND) !== undefined
}

/**
 * Registers the engine's WGSL kernels for the `webgpu` backend (once): its own kernels under their
 * own names, and its matrix product in place of tfjs's `BatchMatMul` and `_FusedMatMul`, so every
 * `tf.matMul` — tfjs's gradients included — runs on it. Shapes it does not take (broadcast batches,
 * non-float32, activations it lacks) go to tfjs's original kernel.
 */

type KernelArgs = Parameters<tf.KernelFunc>[0]
const BACKEND = 'webgpu'
let installed = false
let intOpsFixed = false
/** Why the storage in effect is what it is (the setting, the environment, the default, or f16 unavailable). */
let storageWhy = 'the default'

/** Whether the engine's WGSL kernels are installed and the webgpu backend is active. */
export function engineKernelsActive(): boolean {
  return installed && tf.getBackend() === BACKEND
}

function override(kernelName: string, take: (args: KernelArgs) => tf.TensorInfo | null): void {
  const original = tf.getKernel(kernelName, BACKEND)
  if (!original) throw new Error(`tfjs-backend-webgpu has no ${kernelName} kernel to replace`)
  tf.unregisterKernel(kernelName, BACKEND)
  tf.registerKernel({ ...original, kernelFunc: (args) => take(args) ?? (original.kernelFunc(args) as tf.TensorInfo) })
}

function product(args: KernelArgs, bias: tf.TensorInfo | undefined, activation: 'linear' | 'relu'): tf.TensorInfo | null {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo }
  const ta = Boolean(args.attrs?.transposeA)
  const tb = Boolean(args.attrs?.transposeB)
  const plan = planMatMul(a.shape, b.shape, ta, tb)
  if (!plan || a.dtype !== 'float32' || b.dtype !== 'float32') return null
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== plan.n)) return null
  const backend = args.backend as unknown as TfWebgpuBackend
  const out = backend.makeTensorInfo(plan.outShape, 'float32')
  runMatMul(backend, { ...plan, bias: Boolean(bias), activation }, a, b, bias ?? null, out)
  return out
}

/** `STDD_WEBGPU_KERNELS=tfjs` keeps tfjs's own kernels (to compare with them); default `engine`. */
export function engineKernelsWanted(): boolean {
  const v = process.env.STDD_WEBGPU_KERNELS ?? 'engine'
  if (v !== 'engine' && v !== 'tfjs') throw new Error(`STDD_WEBGPU_KERNELS: unknown value "${v}"; choose engine or tfjs`)
  return v === 'engine'
}

export function installWebgpuKernels(): void {
  watchTransfers(tf.backend() as unknown as TfWebgpuBackend)
  if (!intOpsFixed) {
    // tfjs's shaders for these no longer compile on Dawn (int_ops.ts): fixes, kept with STDD_WEBGPU_KERNELS=tfjs too
    override('ArgMax', argMax)
    override('Cast', castToFloat)
    intOpsFixed = true
  }
  if (installed || !engineKernelsWanted()) return
  installed = true
  registerConstantFreeGradients()
  const backend = tf.backend() as unknown as TfWebgpuBackend
  const report = webgpuReport()
  const wanted = wantedStorage(process.env.STDD_WEBGPU_STORAGE, setFromSettings('STDD_WEBGPU_STORAGE'))
  const storage = resolveStorage(wanted, backend.device.features, report ? [report.vendor, report.device || report.description].filter(Boolean).join(' ') || 'an unnamed adapter' : 'an unnamed adapter')
  setStorage(storage.mode)
  storageWhy = storage.why
  if (storage.note) process.stderr.write(`${storage.note}\n`)
  override('BatchMatMul', (args) => product(args, undefined, 'linear'))
  override('_FusedMatMul', (args) => {
    const { bias, preluActivationWeights } = args.inputs as { bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo }
    const act = (args.attrs?.activation as string | undefined) ?? 'linear'
    if (preluActivationWeights || (act !== 'linear' && act !== 'relu')) return null
    return product(args, bias, act)
  })
  tf.registerKernel({ kernelName: WGSL_MATMUL, backendName: BACKEND, kernelFunc: wgslMatMulKernel as unknown as tf.KernelFunc })
  for (const k of [...LAYER_NORM_KERNELS, ...ATTENTION_KERNELS]) tf.registerKernel({ kernelName: k.name, backendName: BACKEND, kernelFunc: k.kernelFunc })
}

const F16_STORAGE = 'the weights of the matrix products stored as packed f16 copies (refreshed after each optimizer step), matMul tiles and the attention forward in f16, f32 accumulation; activations, gradients and the optimizer state f32'

/** Which kernel runs each hot op on WebGPU (for `stdd info`). */
export function webgpuKernelNames(): Record<string, string> {
  if (!installed) return { matMul: 'tfjs (STDD_WEBGPU_KERNELS=tfjs)', layerNorm: 'tfjs-ops', attention: 'tfjs-ops', adamW: 'tfjs-ops' }
  return {
    matMul: 'wgsl-tiled (engine: 64×64 / 128×128 tiles, vec4, bias+activation epilogue)',
    layerNorm: 'wgsl-fused (engine: forward and backward)',
    attention: 'wgsl-fused (engine: heads in place, forward and backward; with a mask: tfjs ops on the engine matMul)',
    adamW: 'wgsl-flat (engine: one dispatch over all variables, moments in flat buffers)',
    storage: activeStorage() === 'f16' ? `f16 (${storageWhy}): ${F16_STORAGE}` : `f32 (${storageWhy})`,
  }
}
