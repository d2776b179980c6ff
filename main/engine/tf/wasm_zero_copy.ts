import * as tf from '@tensorflow/tfjs'
import type { WasmBackend, WasmTensorInfo } from './wasm_heap'

/**
 * Zero-copy kernels for tfjs-backend-wasm 4.22.
 *
 * - Slice / Unpack / SplitV: the stock Slice kernel reads its input with `backend.readSync`, which
 *   copies the *whole* input out of the WASM heap into a fresh JS array for every slice
 *   (`HEAPU8.slice`). Unpack and SplitV call it once per output, so unstacking n slices copies the
 *   input n times: 96 per-head slices of a [96, 197, 64] tensor move 465 MB and take ≈0.6 s instead
 *   of ≈1 ms. These replacements read the input through a view of the heap (`typedArrayFromHeap`)
 *   and copy only the slice.
 * - Identity and Cast to the same dtype: the stock kernels copy the input. The engine clones every
 *   tensor a kernel saves for its gradient (`saveTensorsForBackwardMode`), and the Multiply, RealDiv
 *   and Square gradients cast float32 to float32, so a backward pass copied each saved activation
 *   (≈11 % of a ViT-B/16 block's forward + backward). Tensors are immutable and every kernel writes
 *   a fresh output, so these share the input's buffer instead, counted by reference like Reshape.
 *
 * {@link installWasmZeroCopyKernels} re-registers the kernels for the 'wasm' backend; it is called
 * (once) at backend selection and by the matmul helpers, and is safe to call again.
 */

type KernelArgs = { inputs: Record<string, WasmTensorInfo>; attrs: Record<string, unknown>; backend: WasmBackend }

const strides = (shape: number[]): number[] => {
  const s = new Array<number>(shape.length).fill(1)
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!
  return s
}

/** Copies the box `begin`+`size` of `x` into a new wasm tensor, reading `x` through a heap view. */
function sliceInto(backend: WasmBackend, x: WasmTensorInfo, begin: number[], size: number[]): WasmTensorInfo {
  const out = backend.makeOutput(size, x.dtype)
  // makeOutput may grow the heap (detaching older views): take the views afterwards.
  const src = backend.typedArrayFromHeap(x)
  const dst = backend.typedArrayFromHeap(out)
  const rank = x.shape.length
  const total = size.reduce((a, b) => a * b, 1)
  if (total === 0) return out
  if (rank === 0) {
    dst[0] = src[0]!
    return out
  }
  const xs = strides(x.shape)
  // Merge trailing dimensions taken whole into one contiguous run.
  let inner = rank - 1
  let run = size[inner]!
  while (inner > 0 && size[inner] === x.shape[inner] && begin[inner] === 0) {
    inner--
    run *= size[inner]!
  }
  const idx = new Array<number>(inner).fill(0)
  let o = 0
  for (;;) {
    let off = begin[inner]! * xs[inner]!
    for (let d = 0; d < inner; d++) off += (begin[d]! + idx[d]!) * xs[d]!
    dst.set(src.subarray(off, off + run), o)
    o += run
    let d = inner - 1
    while (d >= 0 && ++idx[d]! === size[d]) idx[d--] = 0
    if (d < 0) break
  }
  return out
}

function parseSlice(shape: number[], begin: number[] | number, size: number[] | number | undefined): [number[], number[]] {
  const rank = shape.length
  const b = typeof begin === 'number' ? [begin, ...new Array<number>(rank - 1).fill(0)] : [...begin, ...new Array<number>(rank - begin.length).fill(0)]
  const s0 = size === undefined ? new Array<number>(rank).fill(-1) : typeof size === 'number' ? [size, ...new Array<number>(rank - 1).fill(-1)] : [...size, ...new Array<number>(rank - size.length).fill(-1)]
  const s = s0.map((v, i) => (v === -1 ? shape[i]! - b[i]! : v))
  return [b, s]
}

function slice({ inputs, attrs, backend }: KernelArgs): WasmTensorInfo {
  const x = inputs.x!
  const [begin, size] = parseSlice(x.shape, attrs.begin as number[], attrs.size as number[])
  return sliceInto(backend, x, begin, size)
}

function unpack({ inputs, attrs, backend }: KernelArgs): WasmTensorInfo[] {
  const value = inputs.value!
  let axis = attrs.axis as number
  if (axis < 0) axis += value.shape.length
  const outShape = value.shape.filter((_, i) => i !== axis)
  const size = value.shape.slice()
  size[axis] = 1
  return Array.from({ length: value.shape[axis]! }, (_, i) => {
    const begin = new Array<number>(value.shape.length).fill(0)
    begin[axis] = i
    const out = sliceInto(backend, value, begin, size)
    return { dataId: out.dataId, dtype: out.dtype, shape: outShape }
  })
}

/** The input itself, as one more reference to its buffer. */
function shared(x: WasmTensorInfo, backend: WasmBackend): WasmTensorInfo {
  backend.incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype }
}

function identity({ inputs, backend }: KernelArgs): WasmTensorInfo {
  return shared(inputs.x!, backend)
}

function splitV({ inputs, attrs, backend }: KernelArgs): WasmTensorInfo[] {
  const x = inputs.x!
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0]!
  const numOrSizes = attrs.numOrSizeSplits as number | number[]
  const sizes = typeof numOrSizes === 'number' ? new Array<number>(numOrSizes).fill(x.shape[axis]! / numOrSizes) : numOrSizes.slice()
  const known = sizes.filter((s) => s !== -1).reduce((a, b) => a + b, 0)
  const splits = sizes.map((s) => (s === -1 ? x.shape[axis]! - known : s))
  const begin = new Array<number>(x.shape.length).fill(0)
  return splits.map((s) => {
    const size = x.shape.slice()
    size[axis] = s
    const out = sliceInto(backend, x, begin.slice(), size)
    begin[axis]! += s
    return out
  })
}

let installed = false

/** Re-registers Slice, Unpack, SplitV, Identity and Cast for the 'wasm' backend (idempotent). */
export function installWasmZeroCopyKernels(): void {
  if (installed) return
  installed = true
  const stockCast = tf.getKernel('Cast', 'wasm')
  // A cast to another dtype converts (the stock kernel); to the same dtype it is the input.
  const cast = (args: KernelArgs): WasmTensorInfo => {
    if (args.attrs.dtype === args.inputs.x!.dtype) return shared(args.inputs.x!, args.backend)
    if (!stockCast) throw new Error(`Cast: tfjs-backend-wasm has no Cast kernel to convert ${args.inputs.x!.dtype} to ${String(args.attrs.dtype)}`)
    return stockCast.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as unknown as WasmTensorInfo
  }
  const kernels: [string, (args: KernelArgs) => WasmTensorInfo | WasmTensorInfo[]][] = [
    ['Slice', slice],
    ['Unpack', unpack],
    ['SplitV', splitV],
    ['Identity', identity],
    ['Cast', cast],
  ]
  for (const [kernelName, fn] of kernels) {
    const stock = tf.getKernel(kernelName, 'wasm')
    if (stock) tf.unregisterKernel(kernelName, 'wasm')
    // String tensors do not live in the heap: they keep the stock kernel.
    const kernelFunc = (args: KernelArgs): WasmTensorInfo | WasmTensorInfo[] =>
      Object.values(args.inputs)[0]!.dtype === 'string' && stock ? (stock.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as unknown as WasmTensorInfo) : fn(args)
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc })
  }
}
