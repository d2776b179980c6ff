import * as tf from '@tensorflow/tfjs'
import { customOp } from './custom_grad'
import type { WasmBackend, WasmTensorInfo } from './wasm_heap'

/**
 * Block assembly on tfjs-backend-wasm: one kernel that builds a tensor out of rectangular pieces of
 * other tensors, zeros elsewhere, where a chain of slices and concatenations would take one kernel
 * (and one JS dispatch) per piece.
 *
 * A block copies `rows` rows of `cols` elements: source row r starts at element `from + r·fromStride`
 * (of the flat source), output row r at `to + r·toStride`. The output is the **sum** of its blocks,
 * so `assemble` is a linear map, and its gradient with respect to a source is the adjoint: the same
 * blocks of that source read back out of dy (from ↔ to), summed where a source element was read more
 * than once. Where blocks do not overlap (checked per call) each is a plain copy (`TypedArray.set`).
 *
 * The masking selections and the channel mixing of the STCA branch use it on WASM
 * (selection.ts via runs.ts, mixing.ts); other backends keep their slice / gather forms.
 */

export interface Block {
  source: number
  from: number
  fromStride: number
  to: number
  toStride: number
  rows: number
  cols: number
}

const KERNEL = 'StddAssemble'
/** Ints per block in the kernel's attribute. */
const FIELDS = 7

/** Whether {@link assemble} runs on the active backend. */
export function canAssemble(): boolean {
  return tf.getBackend() === 'wasm'
}

/** Whether no two rows of `blocks` write the same output element (a row writes [to + r·toStride, + cols)). */
export function writesDisjoint(blocks: readonly Block[]): boolean {
  const whole = (b: Block): boolean => b.rows === 1 || b.toStride === b.cols
  let n = 0
  for (const b of blocks) n += whole(b) ? 1 : b.rows
  const starts = new Float64Array(n)
  const ends = new Float64Array(n)
  let i = 0
  for (const b of blocks) {
    for (let r = 0; r < (whole(b) ? 1 : b.rows); r++) {
      starts[i] = b.to + r * b.toStride
      ends[i++] = starts[i - 1]! + (whole(b) ? b.rows * b.cols : b.cols)
    }
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => starts[a]! - starts[b]!)
  let reach = -Infinity // the furthest end so far
  for (const k of order) {
    if (starts[k]! < reach) return false
    reach = Math.max(reach, ends[k]!)
  }
  return true
}

function checkBlocks(blocks: readonly Block[], sizes: readonly number[], outSize: number): void {
  for (const b of blocks) {
    const bad =
      b.source < 0 ||
      b.source >= sizes.length ||
      [b.from, b.to, b.rows, b.cols].some((v) => !Number.isInteger(v) || v < 0) ||
      (b.rows > 0 && b.cols > 0 && (b.from + (b.rows - 1) * b.fromStride + b.cols > sizes[b.source]! || b.to + (b.rows - 1) * b.toStride + b.cols > outSize))
    if (bad) throw new Error(`assemble: block ${JSON.stringify(b)} reaches outside its source (${sizes[b.source] ?? 'no such source'} elements) or the output (${outSize} elements)`)
  }
}

type KernelArgs = { inputs: Record<string, WasmTensorInfo>; attrs: Record<string, unknown>; backend: WasmBackend }

function assembleKernel({ inputs, attrs, backend }: KernelArgs): WasmTensorInfo {
  const shape = attrs.shape as number[]
  const spec = attrs.blocks as Int32Array
  const disjoint = attrs.disjoint as boolean
  const covers = attrs.covers as boolean
  const out = backend.makeOutput(shape, 'float32')
  // makeOutput may grow the heap (detaching older views): take the views afterwards.
  const dst = backend.typedArrayFromHeap(out) as Float32Array
  const srcs = Object.keys(inputs)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
    .map((k) => backend.typedArrayFromHeap(inputs[k]!) as Float32Array)
  if (!(disjoint && covers)) dst.fill(0) // the heap is not zeroed
  for (let i = 0; i < spec.length; i += FIELDS) {
    const src = srcs[spec[i]!]!
    const [from, fromStride, to, toStride, rows, cols] = [spec[i + 1]!, spec[i + 2]!, spec[i + 3]!, spec[i + 4]!, spec[i + 5]!, spec[i + 6]!]
    if (disjoint && fromStride === cols && toStride === cols) {
      dst.set(src.subarray(from, from + rows * cols), to)
      continue
    }
    for (let r = 0; r < rows; r++) {
      const f = from + r * fromStride
      const t = to + r * toStride
      if (disjoint) dst.set(src.subarray(f, f + cols), t)
      else for (let c = 0; c < cols; c++) dst[t + c]! += src[f + c]!
    }
  }
  return out
}

function registerKernel(): void {
  if (tf.getKernel(KERNEL, 'wasm')) return
  tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: assembleKernel as unknown as tf.KernelFunc })
}

function runAssemble(sources: readonly tf.Tensor[], blocks: readonly Block[], shape: number[]): tf.Tensor {
  registerKernel()
  const spec = new Int32Array(blocks.length * FIELDS)
  let covered = 0
  blocks.forEach((b, i) => {
    spec.set([b.source, b.from, b.fromStride, b.to, b.toStride, b.rows, b.cols], i * FIELDS)
    covered += b.rows * b.cols
  })
  const disjoint = writesDisjoint(blocks)
  const size = shape.reduce((a, b) => a * b, 1)
  const inputs = Object.fromEntries(sources.map((s, i) => [`s${i}`, s]))
  return tf.engine().runKernel(KERNEL, inputs, { shape, blocks: spec, disjoint, covers: disjoint && covered === size } as unknown as tf.NamedAttrMap) as tf.Tensor
}

/**
 * The tensor of `shape` that is the sum of `blocks` of `sources` (float32), zeros elsewhere; on the
 * WASM backend only ({@link canAssemble}). Differentiable with respect to every source.
 */
export function assemble(sources: readonly tf.Tensor[], blocks: readonly Block[], shape: number[]): tf.Tensor {
  if (!canAssemble()) throw new Error(`assemble: needs the wasm backend (active: ${tf.getBackend()}); use slices and concatenations elsewhere`)
  if (sources.some((s) => s.dtype !== 'float32')) throw new Error(`assemble: sources must be float32, got ${sources.map((s) => s.dtype).join(', ')}`)
  checkBlocks(blocks, sources.map((s) => s.size), shape.reduce((a, b) => a * b, 1))
  const used = blocks.filter((b) => b.rows > 0 && b.cols > 0)
  const op = customOp((srcs) => ({
    value: runAssemble(srcs, used, shape),
    gradFunc: (dy) =>
      srcs.map((s, i) => {
        const back = used.filter((b) => b.source === i).map((b) => ({ source: 0, from: b.to, fromStride: b.toStride, to: b.from, toStride: b.fromStride, rows: b.rows, cols: b.cols }))
        return runAssemble([dy], back, s.shape)
      }),
  }))
  return op(...sources)
}
