import * as tf from '@tensorflow/tfjs'
import { countDispatch } from './counters'
import type { GpuBindGroupEntry, GpuPipeline, TfWebgpuBackend } from './gpu_types'

/**
 * Records one compute dispatch of the engine's own WGSL into tfjs-backend-webgpu's command stream,
 * exactly as the backend records its programs (same encoder, same deferred submit, same buffer
 * lifetimes), but with any number of outputs and a shader written whole by the kernel module:
 * bindings 0… are the outputs (`read_write`), then the inputs (`read`), then one uniform buffer.
 */

export interface Dispatch {
  /** Identifies the shader text: the same key must always give the same code. */
  key: string
  code: () => string
  outputs: tf.TensorInfo[]
  inputs: tf.TensorInfo[]
  /** Read-only storage blocks written from the CPU for this dispatch (tables), bound after the inputs. */
  tables?: ArrayBuffer[]
  /** The uniform block's bytes (16-byte multiple), or none. */
  uniforms?: ArrayBuffer
  workgroups: [number, number, number]
}

const UNIFORM_USAGE = 0x40 | 0x08 // GPUBufferUsage.UNIFORM | COPY_DST
const TABLE_USAGE = 0x80 | 0x08 // GPUBufferUsage.STORAGE | COPY_DST
const pipelines = new WeakMap<TfWebgpuBackend, Map<string, GpuPipeline>>()

/** The active tfjs WebGPU backend, typed by what the engine's kernels use of it. */
export function webgpuBackend(): TfWebgpuBackend {
  if (tf.getBackend() !== 'webgpu') throw new Error(`the engine's WGSL kernels need the webgpu backend, not "${tf.getBackend()}"`)
  return tf.backend() as unknown as TfWebgpuBackend
}

function pipeline(backend: TfWebgpuBackend, d: Dispatch): GpuPipeline {
  let cache = pipelines.get(backend)
  if (!cache) pipelines.set(backend, (cache = new Map()))
  let p = cache.get(d.key)
  if (!p) {
    const module = backend.device.createShaderModule({ code: d.code(), label: d.key })
    p = backend.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: d.key })
    cache.set(d.key, p)
  }
  return p
}

export function dispatch(backend: TfWebgpuBackend, d: Dispatch): void {
  const tensors = [...d.outputs, ...d.inputs]
  for (const t of tensors) backend.uploadToGPU(t.dataId)
  const entries: GpuBindGroupEntry[] = tensors.map((t, i) => ({ binding: i, resource: { buffer: backend.tensorMap.get(t.dataId).resource! } }))
  const written = [...(d.tables ?? []).map((data) => ({ data, usage: TABLE_USAGE })), ...(d.uniforms ? [{ data: d.uniforms, usage: UNIFORM_USAGE }] : [])]
  for (const { data, usage } of written) {
    // released to the pool once the queue is submitted, as tfjs does with its uniforms
    const buffer = backend.bufferManager.acquireBuffer(data.byteLength, usage)
    backend.device.queue.writeBuffer(buffer, 0, data)
    backend.uniformPendingDisposal.push(buffer)
    entries.push({ binding: entries.length, resource: { buffer } })
  }
  for (const t of tensors) backend.commandQueueOwnedIds.add(t.dataId)
  const p = pipeline(backend, d)
  const bindGroup = backend.device.createBindGroup({ layout: p.getBindGroupLayout(0), entries })
  backend.ensureCommandEncoderReady()
  if (!backend.computePassEncoder) backend.computePassEncoder = backend.commandEncoder!.beginComputePass({})
  backend.computePassEncoder.setPipeline(p)
  backend.computePassEncoder.setBindGroup(0, bindGroup)
  backend.computePassEncoder.dispatchWorkgroups(...d.workgroups)
  countDispatch()
  backend.dispatchCountInPass++
  if (backend.dispatchCountInPass >= (tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number)) {
    backend.endComputePassEncoder()
    backend.submitQueue()
  }
}

/**
 * Records a copy of `bytes` bytes between the GPU buffers of two tensors (in the command stream,
 * ordered with the dispatches around it; not a dispatch). Offsets and size are multiples of 4.
 */
export function copyBetween(backend: TfWebgpuBackend, src: tf.TensorInfo, srcOffset: number, dst: tf.TensorInfo, dstOffset: number, bytes: number): void {
  backend.uploadToGPU(src.dataId)
  backend.uploadToGPU(dst.dataId)
  backend.commandQueueOwnedIds.add(src.dataId)
  backend.commandQueueOwnedIds.add(dst.dataId)
  backend.ensureCommandEncoderReady()
  backend.endComputePassEncoder()
  backend.commandEncoder!.copyBufferToBuffer(backend.tensorMap.get(src.dataId).resource!, srcOffset, backend.tensorMap.get(dst.dataId).resource!, dstOffset, bytes)
}

/** Records zeroing `bytes` bytes of a tensor's GPU buffer from `offset` (not a dispatch). */
export function clearBetween(backend: TfWebgpuBackend, t: tf.TensorInfo, offset: number, bytes: number): void {
  backend.uploadToGPU(t.dataId)
  backend.commandQueueOwnedIds.add(t.dataId)
  backend.ensureCommandEncoderReady()
  backend.endComputePassEncoder()
  backend.commandEncoder!.clearBuffer(backend.tensorMap.get(t.dataId).resource!, offset, bytes)
}

/** A uniform block of u32/i32/f32 fields, padded to 16 bytes. */
export function uniformBlock(fields: { u32?: number[]; f32?: number[] }): ArrayBuffer {
  const u = fields.u32 ?? []
  const f = fields.f32 ?? []
  const words = Math.ceil((u.length + f.length) / 4) * 4 || 4
  const buf = new ArrayBuffer(words * 4)
  new Uint32Array(buf, 0, u.length).set(u)
  new Float32Array(buf, u.length * 4, f.length).set(f)
  return buf
}

/** Workgroups needed to cover `n` items with `size` per group. */
export function groups(n: number, size: number): number {
  return Math.max(1, Math.ceil(n / size))
}
