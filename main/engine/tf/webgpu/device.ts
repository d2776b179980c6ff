import { tmpdir } from 'node:os'
import * as tf from '@tensorflow/tfjs'
import type { BackendReport } from '../../../../contract'
import type { Gpu, GpuAdapter, GpuDevice } from './gpu_types'

/**
 * The engine owns the WebGPU device: it asks the adapter Dawn finds for the features its kernels can
 * use (`shader-f16`, `subgroups`, `timestamp-query`) and the adapter's full limits, then builds
 * tfjs's WebGPU backend on that device (tfjs's own factory would ask only for timestamp-query).
 *
 * A software adapter (Mesa's lavapipe, SwiftShader) is used only with `STDD_WEBGPU_ALLOW_SOFTWARE=1`:
 * it computes correctly but slower than the WASM path, so it is never picked on its own.
 */

export const WANTED_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query'] as const
const WANTED_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBuffersPerShaderStage',
] as const

export type GpuReport = NonNullable<BackendReport['gpu']>

interface Opened {
  device: GpuDevice
  report: GpuReport
}

/** Dawn's GPU object: kept referenced for the life of the process (if it is collected, Node crashes). */
let dawn: Gpu | null = null
let opened: Opened | null = null

export function softwareAllowed(): boolean {
  return process.env.STDD_WEBGPU_ALLOW_SOFTWARE === '1'
}

function isSoftware(adapter: GpuAdapter): boolean {
  const i = adapter.info ?? {}
  if (i.isFallbackAdapter || adapter.isFallbackAdapter || i.architecture === 'software') return true
  return /llvmpipe|lavapipe|swiftshader/i.test(`${i.device ?? ''} ${i.description ?? ''}`)
}

async function loadDawn(): Promise<Gpu> {
  if (dawn) return dawn
  let webgpu: { create(options: string[]): Gpu; globals: object }
  try {
    webgpu = (await import(/* @vite-ignore */ 'webgpu')) as typeof webgpu
  } catch (err) {
    const code = (err as { code?: string }).code
    throw new Error(`the "webgpu" (Dawn) package: ${code === 'ERR_MODULE_NOT_FOUND' ? 'not installed' : (err as Error).message.split('\n')[0]}`, { cause: err })
  }
  Object.assign(globalThis, webgpu.globals) // GPUBufferUsage and friends, which tfjs-backend-webgpu reads as globals
  process.env.XDG_RUNTIME_DIR ??= tmpdir() // Dawn warns on stderr without it
  dawn = webgpu.create([])
  const g = globalThis as { navigator?: object }
  Object.defineProperty(globalThis, 'navigator', { value: { ...(g.navigator ?? {}), gpu: dawn }, configurable: true, writable: true })
  return dawn
}

/** Opens the adapter and the device (once per process) or throws why not. */
export async function openWebgpuDevice(): Promise<Opened> {
  if (opened) return opened
  const gpu = await loadDawn()
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
  if (!adapter) throw new Error('Dawn found no GPU adapter (no Vulkan/Metal/D3D12 device; on Linux point VK_DRIVER_FILES at the driver\'s ICD json)')
  const info = adapter.info ?? {}
  const software = isSoftware(adapter)
  const name = [info.vendor, info.device || info.description].filter(Boolean).join(' ') || 'an unnamed adapter'
  if (software && !softwareAllowed()) {
    throw new Error(`the only adapter is the software rasteriser ${name} (slower than WASM); set STDD_WEBGPU_ALLOW_SOFTWARE=1 to use it anyway (tests, CI)`)
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f))
  const requiredLimits = Object.fromEntries(WANTED_LIMITS.map((l) => [l, adapter.limits[l]!]))
  const device = await adapter.requestDevice({ requiredFeatures: [...requiredFeatures], requiredLimits })
  const report: GpuReport = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software,
    adapterFeatures: [...adapter.features].sort(),
    deviceFeatures: [...device.features].sort(),
    limits: requiredLimits,
  }
  opened = { device, report }
  return opened
}

/**
 * Registers tfjs's WebGPU backend built on the engine's device under the name `webgpu` (replacing
 * the package's own factory) and returns the adapter report.
 */
export async function registerWebgpuBackend(): Promise<GpuReport> {
  const { device, report } = await openWebgpuDevice()
  let pkg: { WebGPUBackend: new (device: GpuDevice, info?: unknown) => tf.KernelBackend }
  try {
    pkg = (await import(/* @vite-ignore */ '@tensorflow/tfjs-backend-webgpu')) as unknown as typeof pkg
  } catch (err) {
    throw new Error(`@tensorflow/tfjs-backend-webgpu: ${(err as Error).message.split('\n')[0]}`, { cause: err })
  }
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu')
  tf.registerBackend('webgpu', () => new pkg.WebGPUBackend(device, { vendor: report.vendor, architecture: report.architecture }), 3)
  return report
}

/** The adapter report of the device the engine opened, or null before {@link openWebgpuDevice}. */
export function webgpuReport(): GpuReport | null {
  return opened?.report ?? null
}

/** The device the engine opened, or null before {@link openWebgpuDevice}. */
export function webgpuDevice(): GpuDevice | null {
  return opened?.device ?? null
}
