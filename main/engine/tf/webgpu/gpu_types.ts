import type * as tf from '@tensorflow/tfjs'

/**
 * The few WebGPU objects and tfjs-backend-webgpu internals the engine touches, typed structurally:
 * the `webgpu` package and `@tensorflow/tfjs-backend-webgpu` are optional dependencies, so no type
 * here may come from them.
 */

export type GpuBuffer = { readonly size: number; destroy(): void }
export type GpuPipeline = { getBindGroupLayout(index: number): unknown }
export type GpuBindGroupEntry = { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }

export interface GpuDevice {
  readonly features: ReadonlySet<string>
  readonly limits: Record<string, number>
  readonly queue: { writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBuffer, dataOffset?: number, size?: number): void }
  createShaderModule(desc: { code: string; label?: string }): unknown
  createComputePipeline(desc: { layout: 'auto'; compute: { module: unknown; entryPoint: string }; label?: string }): GpuPipeline
  createBindGroup(desc: { layout: unknown; entries: GpuBindGroupEntry[] }): unknown
}

export interface GpuAdapterInfo {
  vendor?: string
  architecture?: string
  device?: string
  description?: string
  isFallbackAdapter?: boolean
}

export interface GpuAdapter {
  readonly features: ReadonlySet<string>
  readonly limits: Record<string, number>
  readonly info?: GpuAdapterInfo
  readonly isFallbackAdapter?: boolean
  requestDevice(desc: { requiredFeatures: string[]; requiredLimits: Record<string, number> }): Promise<GpuDevice>
}

export interface Gpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapter | null>
}

type ComputePass = { setPipeline(p: GpuPipeline): void; setBindGroup(i: number, g: unknown): void; dispatchWorkgroups(x: number, y?: number, z?: number): void }
type CommandEncoder = {
  beginComputePass(desc: object): ComputePass
  copyBufferToBuffer(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, size: number): void
  clearBuffer(buffer: GpuBuffer, offset?: number, size?: number): void
}

/** tfjs-backend-webgpu 4.22's `WebGPUBackend`, the members the engine's kernels use (see dispatch.ts). */
export interface TfWebgpuBackend {
  device: GpuDevice
  bufferManager: { acquireBuffer(size: number, usage: number): GpuBuffer }
  uniformPendingDisposal: GpuBuffer[]
  commandQueueOwnedIds: WeakSet<tf.DataId>
  commandEncoder: CommandEncoder | null
  computePassEncoder: ComputePass | null
  dispatchCountInPass: number
  tensorMap: { get(id: tf.DataId): { resource: GpuBuffer | null; values: unknown } }
  ensureCommandEncoderReady(): void
  endComputePassEncoder(): void
  submitQueue(): void
  uploadToGPU(id: tf.DataId): void
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo
  recordAndSubmit(...args: unknown[]): void
  getBufferData(buffer: GpuBuffer): Promise<ArrayBuffer>
  readSync(id: tf.DataId): unknown
  disposeData(id: tf.DataId, force?: boolean): boolean
}
