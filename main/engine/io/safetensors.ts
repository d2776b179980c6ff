import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { endianness } from 'node:os'
import { decodeBF16, decodeF16 } from './float16'

/**
 * Reader for one `.safetensors` file (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of JSON (`name → {dtype, shape, data_offsets}` plus an
 * optional `__metadata__`), then the raw little-endian tensor bytes. Tensors are read one at a time
 * with positioned reads, so a multi-gigabyte checkpoint never sits in memory whole.
 */

export const SAFETENSORS_DTYPES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
} as const
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES

export interface SafetensorsTensorInfo {
  name: string
  dtype: SafetensorsDtype
  shape: number[]
  /** Absolute byte range in the file. */
  begin: number
  end: number
}

/** A generous bound on the JSON header (real CLIP checkpoints have ≈40 KB). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024

export function numElements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

function readExactly(fd: number, length: number, position: number, path: string): Uint8Array {
  const buf = new Uint8Array(new ArrayBuffer(length))
  let done = 0
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done)
    if (n === 0) throw new Error(`${path}: unexpected end of file at byte ${position + done} (wanted ${length} bytes from ${position})`)
    done += n
  }
  return buf
}

/** An open safetensors file. Call {@link close} when done. */
export class SafetensorsFile {
  readonly tensors: ReadonlyMap<string, SafetensorsTensorInfo>
  readonly metadata: Readonly<Record<string, string>>
  private fd: number | null

  private constructor(
    readonly path: string,
    fd: number,
    tensors: Map<string, SafetensorsTensorInfo>,
    metadata: Record<string, string>,
  ) {
    this.fd = fd
    this.tensors = tensors
    this.metadata = metadata
  }

  static open(path: string): SafetensorsFile {
    if (endianness() !== 'LE') throw new Error('safetensors: reading needs a little-endian machine')
    const fd = openSync(path, 'r')
    try {
      const size = fstatSync(fd).size
      if (size < 8) throw new Error(`${path}: not a safetensors file (only ${size} bytes)`)
      const headerLength = Number(new DataView(readExactly(fd, 8, 0, path).buffer).getBigUint64(0, true))
      if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
        throw new Error(`${path}: not a safetensors file (header length ${headerLength} does not fit a file of ${size} bytes)`)
      }
      let header: unknown
      try {
        header = JSON.parse(new TextDecoder().decode(readExactly(fd, headerLength, 8, path)))
      } catch (err) {
        throw new Error(`${path}: the safetensors header is not valid JSON (${(err as Error).message})`, { cause: err })
      }
      const { tensors, metadata } = parseHeader(header, 8 + headerLength, size, path)
      return new SafetensorsFile(path, fd, tensors, metadata)
    } catch (err) {
      closeSync(fd)
      throw err
    }
  }

  info(name: string): SafetensorsTensorInfo {
    const t = this.tensors.get(name)
    if (!t) throw new Error(`${this.path}: no tensor "${name}"`)
    return t
  }

  /** The raw bytes of a tensor (little-endian, its stored dtype). */
  readBytes(name: string): Uint8Array {
    if (this.fd === null) throw new Error(`${this.path}: the file is closed`)
    const t = this.info(name)
    return readExactly(this.fd, t.end - t.begin, t.begin, this.path)
  }

  /** A tensor's values converted to float32 (from F32, F16, BF16, F64 or an integer type). */
  readFloat32(name: string): Float32Array {
    return toFloat32(this.info(name).dtype, this.readBytes(name))
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }
}

/** Converts little-endian bytes of `dtype` to float32. */
export function toFloat32(dtype: SafetensorsDtype, bytes: Uint8Array): Float32Array {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf)
    case 'F16':
      return decodeF16(new Uint16Array(buf))
    case 'BF16':
      return decodeBF16(new Uint16Array(buf))
    case 'F64':
      return Float32Array.from(new Float64Array(buf))
    case 'I64':
      return Float32Array.from(new BigInt64Array(buf), (v) => Number(v))
    case 'I32':
      return Float32Array.from(new Int32Array(buf))
    case 'I16':
      return Float32Array.from(new Int16Array(buf))
    case 'I8':
      return Float32Array.from(new Int8Array(buf))
    case 'U8':
    case 'BOOL':
      return Float32Array.from(new Uint8Array(buf))
  }
}

function parseHeader(header: unknown, dataStart: number, fileSize: number, path: string): { tensors: Map<string, SafetensorsTensorInfo>; metadata: Record<string, string> } {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error(`${path}: the safetensors header is not a JSON object`)
  const tensors = new Map<string, SafetensorsTensorInfo>()
  let metadata: Record<string, string> = {}
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>
      continue
    }
    const entry = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown }
    const dtype = entry.dtype as SafetensorsDtype
    if (typeof dtype !== 'string' || !(dtype in SAFETENSORS_DTYPES)) {
      throw new Error(`${path}: tensor "${name}" has dtype ${JSON.stringify(entry.dtype)}; supported: ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`)
    }
    const shape = entry.shape
    const offsets = entry.data_offsets
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${path}: tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`)
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${path}: tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`)
    }
    const [b, e] = offsets as [number, number]
    const expected = numElements(shape as number[]) * SAFETENSORS_DTYPES[dtype]
    if (e - b !== expected) throw new Error(`${path}: tensor "${name}" ([${shape}] ${dtype}) should take ${expected} bytes but its data_offsets [${b}, ${e}] give ${e - b}`)
    if (dataStart + e > fileSize) throw new Error(`${path}: tensor "${name}" ends at byte ${dataStart + e}, past the end of the file (${fileSize} bytes): the file is truncated`)
    tensors.set(name, { name, dtype, shape: shape as number[], begin: dataStart + b, end: dataStart + e })
  }
  return { tensors, metadata }
}
