import type { TfWebgpuBackend } from './gpu_types'

/**
 * What crosses between the CPU and the GPU: compute dispatches (tfjs's programs and the engine's own
 * kernels), uploads of CPU values into GPU buffers, reads of GPU buffers back to the CPU, queue
 * submits, kernel outputs computed on the CPU, and the bytes of weights the matrix products read. Counting starts with {@link watchTransfers} on a backend; benches and tests read them.
 */
export interface TransferCounts {
  dispatches: number
  uploads: number
  /** Bytes uploaded: most uploads are the scalar constants tfjs makes for numbers in ops (4 bytes each). */
  uploadBytes: number
  reads: number
  submits: number
  /** Kernel outputs computed on the CPU (made from CPU values: a kernel forwarded to the CPU, or its CPU path), uploaded when a GPU op reads them. */
  cpuOutputs: number
  /** Bytes of weights (packed_weights.ts) the matrix products read from GPU memory, tile re-reads included: 2 per value with f16 storage, 4 in f32. */
  weightBytes: number
}

const counts: TransferCounts = { dispatches: 0, uploads: 0, uploadBytes: 0, reads: 0, submits: 0, cpuOutputs: 0, weightBytes: 0 }
const watched = new WeakSet<TfWebgpuBackend>()

export function countDispatch(): void {
  counts.dispatches++
}

export function countWeightRead(bytes: number): void {
  counts.weightBytes += bytes
}

/** Wraps the backend's dispatch, upload, read and submit methods (once per backend) to count them. */
export function watchTransfers(backend: TfWebgpuBackend): void {
  if (watched.has(backend)) return
  watched.add(backend)
  const b = backend as unknown as Record<string, (...args: unknown[]) => unknown>
  const wrap = (name: string, before: (args: unknown[]) => void): void => {
    const original = b[name]!.bind(backend)
    b[name] = (...args: unknown[]) => {
      before(args)
      return original(...args)
    }
  }
  wrap('recordAndSubmit', () => counts.dispatches++)
  wrap('uploadToGPU', ([id]) => {
    const data = backend.tensorMap.get(id as object)
    if (data && data.resource == null && data.values != null) {
      counts.uploads++
      counts.uploadBytes += (data.values as ArrayLike<number>).length * 4
    }
  })
  wrap('getBufferData', () => counts.reads++)
  wrap('readSync', () => counts.reads++)
  wrap('submitQueue', () => counts.submits++)
  // tensors made from values (tf.tensor, uploads) go through `write`; a kernel's output made from values was computed on the CPU
  wrap('makeTensorInfo', ([, , values]) => values != null && counts.cpuOutputs++)
}

/** The counts so far (a copy). */
export function transferCounts(): TransferCounts {
  return { ...counts }
}

/** `after − before`, field by field. */
export function countsSince(before: TransferCounts): TransferCounts {
  const now = transferCounts()
  const keys = Object.keys(now) as (keyof TransferCounts)[]
  return Object.fromEntries(keys.map((k) => [k, now[k] - before[k]])) as unknown as TransferCounts
}
