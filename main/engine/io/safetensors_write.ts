import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { encodeBF16, encodeF16 } from './float16'
import { numElements, SAFETENSORS_DTYPES } from './safetensors'
import { SAFETENSORS_INDEX } from './safetensors_checkpoint'

/** Dtypes the writer produces. Float data is given as float32 and converted. */
export type WritableDtype = 'F32' | 'F16' | 'BF16' | 'I64'

export interface TensorToWrite {
  name: string
  shape: number[]
  /** Default F32. */
  dtype?: WritableDtype
  /** The values, or a function producing them when the tensor is written (keeps big checkpoints out of memory). */
  data: Float32Array | BigInt64Array | (() => Float32Array | BigInt64Array)
}

function encode(t: TensorToWrite): Uint8Array {
  const dtype = t.dtype ?? 'F32'
  const data = typeof t.data === 'function' ? t.data() : t.data
  const n = numElements(t.shape)
  if (data.length !== n) throw new Error(`safetensors writer: "${t.name}" has shape [${t.shape}] (${n} values) but ${data.length} values were given`)
  let out: ArrayBufferView
  if (dtype === 'I64') {
    out = data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(Math.round(v)))
  } else {
    const f = data instanceof Float32Array ? data : Float32Array.from(data, Number)
    out = dtype === 'F32' ? f : dtype === 'F16' ? encodeF16(f) : encodeBF16(f)
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

function headerBytes(tensors: readonly Omit<TensorToWrite, 'data'>[], metadata: Record<string, string>): { bytes: Uint8Array; dataBytes: number } {
  const header: Record<string, unknown> = { __metadata__: metadata }
  let offset = 0
  for (const t of tensors) {
    const dtype = t.dtype ?? 'F32'
    const size = numElements(t.shape) * SAFETENSORS_DTYPES[dtype]
    if (t.name in header) throw new Error(`safetensors writer: tensor "${t.name}" is given twice`)
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + size] }
    offset += size
  }
  let json = JSON.stringify(header)
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8)
  const body = Buffer.from(json, 'utf8')
  const bytes = new Uint8Array(8 + body.length)
  new DataView(bytes.buffer).setBigUint64(0, BigInt(body.length), true)
  bytes.set(body, 8)
  return { bytes, dataBytes: offset }
}

/** Writes all of `data` at the file's current position (writeSync may write less than asked). */
function writeAll(fd: number, data: Uint8Array): void {
  let done = 0
  while (done < data.length) done += writeSync(fd, data, done, data.length - done)
}

/**
 * {@link writeSafetensors} for tensors whose values must be read asynchronously (a GPU backend's
 * tensors: `await t.data()`), one tensor at a time so a big checkpoint never sits in memory whole.
 */
export async function writeSafetensorsAsync(path: string, tensors: (Omit<TensorToWrite, 'data'> & { data: () => Promise<Float32Array> })[], metadata: Record<string, string> = { format: 'pt' }): Promise<number> {
  const { bytes, dataBytes } = headerBytes(tensors, metadata)
  const fd = openSync(path, 'w')
  try {
    writeAll(fd, bytes)
    for (const t of tensors) writeAll(fd, encode({ ...t, data: await t.data() }))
  } finally {
    closeSync(fd)
  }
  return bytes.length + dataBytes
}

/** Writes one `.safetensors` file, tensor by tensor, in the given order. Returns the bytes written. */
export function writeSafetensors(path: string, tensors: TensorToWrite[], metadata: Record<string, string> = { format: 'pt' }): number {
  const { bytes, dataBytes } = headerBytes(tensors, metadata)
  const fd = openSync(path, 'w')
  try {
    writeAll(fd, bytes)
    for (const t of tensors) writeAll(fd, encode(t))
  } finally {
    closeSync(fd)
  }
  return bytes.length + dataBytes
}

/**
 * Writes `model-0000i-of-0000n.safetensors` shards of at most `maxShardBytes` of data each (a tensor
 * bigger than that gets a shard of its own) and the `model.safetensors.index.json` that maps names
 * to shards, as transformers' `save_pretrained(max_shard_size=…)` does.
 */
export function writeShardedSafetensors(dir: string, tensors: TensorToWrite[], maxShardBytes: number): string[] {
  mkdirSync(dir, { recursive: true })
  const shards: TensorToWrite[][] = [[]]
  let size = 0
  for (const t of tensors) {
    const bytes = numElements(t.shape) * SAFETENSORS_DTYPES[t.dtype ?? 'F32']
    if (size > 0 && size + bytes > maxShardBytes) {
      shards.push([])
      size = 0
    }
    shards[shards.length - 1]!.push(t)
    size += bytes
  }
  const pad = (i: number): string => String(i).padStart(5, '0')
  const weightMap: Record<string, string> = {}
  let total = 0
  const names = shards.map((group, i) => {
    const name = `model-${pad(i + 1)}-of-${pad(shards.length)}.safetensors`
    writeSafetensors(join(dir, name), group)
    for (const t of group) {
      weightMap[t.name] = name
      total += numElements(t.shape) * SAFETENSORS_DTYPES[t.dtype ?? 'F32']
    }
    return name
  })
  writeFileSync(join(dir, SAFETENSORS_INDEX), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2) + '\n')
  return names
}
