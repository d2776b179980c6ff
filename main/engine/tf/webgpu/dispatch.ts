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
  /** The uniform block's bytes (16-byte multiple), or none. */
  uniforms?: ArrayBuffer
  workgroups: [number, number, number]
}

const UNIFORM_USAGE = 0x40 | 0x08 // GPUBufferUsage.UNIFORM | COPY_DST
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
  if (d.uniforms) {
    const buffer = backend.bufferManager.acquireBuffer(d.uniforms.byteLength, UNIFORM_USAGE)
    backend.device.queue.writeBuffer(buffer, 0, d.uniforms)
    backend.uniformPendingDisposal.push(buffer)
    entries.push({ binding: tensors.length, resource: { buffer } })
  }
  for (const t of tensors) backend.commandQueueOwnedIds.add(t.dataId)
  const p = pipeline(backend, d)
  const bindGroup = backend.device.createBindGroup({ layout: p.getBindGroupLayout(0), entries })
  backend.ensureCommandEncoderReady()
  if (!backend.computePassEncoder) backend.computePassEncoder = (backend as unknown as { commandEncoder: { beginComputePass(desc: object): NonNullable<TfWebgpuBackend['computePassEncoder']> } }).commandEncoder.beginComputePass({})
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
