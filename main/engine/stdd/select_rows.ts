import * as tf from '@tensorflow/tfjs'
import { assemble, canAssemble } from '../tf/assemble'
import { customOp } from '../tf/custom_grad'

/**
 * Injective row selection from one or more [rows, D] sources, differentiable without tfjs'
 * `tf.gather` gradient (a scatter-add WASM lacks).
 *
 * The selection is run-length encoded: when it is made of a few contiguous runs of rows (Window
 * Shift Masking in the window layout: a frame's CLS and whole slot blocks) it is a concatenation of
 * slices, and its gradient is again a concatenation of slices of dy and zero blocks per source.
 * Otherwise (masks that differ from window to window) it is one gather of the concatenated sources,
 * whose gradient is a gather of [dy; 0] at the inverse index. Either way nothing is summed.
 * On WASM, where slices cost a kernel each and a gather runs element by element, the runs are one
 * block assembly instead (tf/assemble.ts), whatever their number.
 */

/** Row `row` of source `source`, one per output row. */
export interface RowIndex {
  source: Int32Array
  row: Int32Array
}

export interface Run {
  source: number
  start: number
  length: number
}

/** The contiguous runs of an index (consecutive output rows reading consecutive rows of one source). */
export function toRuns(index: RowIndex): Run[] {
  const runs: Run[] = []
  for (let i = 0; i < index.row.length; i++) {
    const s = index.source[i]!
    const r = index.row[i]!
    const last = runs[runs.length - 1]
    if (last && last.source === s && last.start + last.length === r) last.length++
    else runs.push({ source: s, start: r, length: 1 })
  }
  return runs
}

/** Checks injectivity and bounds; returns, per source, each row's output position or −1. */
function inverse(index: RowIndex, sizes: readonly number[]): Int32Array[] {
  const inv = sizes.map((n) => new Int32Array(n).fill(-1))
  for (let i = 0; i < index.row.length; i++) {
    const s = index.source[i]!
    const r = index.row[i]!
    if (s < 0 || s >= sizes.length || r < 0 || r >= sizes[s]!) throw new Error(`selectRows: row ${r} of source ${s} is out of range`)
    if (inv[s]![r] !== -1) throw new Error(`selectRows: row ${r} of source ${s} is selected twice (the selection must be injective)`)
    inv[s]![r] = i
  }
  return inv
}

/** Runs of dy (or zeros) that rebuild one source's gradient in source order. */
function gradientRuns(inv: Int32Array): Run[] {
  const runs: Run[] = [] // source 0 = dy, source 1 = zeros (start ignored)
  for (let r = 0; r < inv.length; r++) {
    const o = inv[r]!
    const last = runs[runs.length - 1]
    if (o < 0) {
      if (last && last.source === 1) last.length++
      else runs.push({ source: 1, start: 0, length: 1 })
    } else if (last && last.source === 0 && last.start + last.length === o) last.length++
    else runs.push({ source: 0, start: o, length: 1 })
  }
  return runs
}

function concatRuns(parts: tf.Tensor[]): tf.Tensor {
  return parts.length === 1 ? parts[0]! : tf.concat(parts, 0)
}

/**
 * On the pure-JS CPU backend, slices while there are at most this many runs, or runs average at least
 * 8 rows; else one gather. On a GPU every slice is a kernel launch: always one gather there.
 */
const MAX_SLICE_RUNS = 64
const MIN_MEAN_RUN = 8

/** The runs as one block assembly: run i's rows land after those of runs 0 … i−1. */
function assembleRuns(sources: tf.Tensor2D[], runs: Run[], rows: number): tf.Tensor2D {
  const width = sources[0]!.shape[1]
  let at = 0
  const blocks = runs.map((r) => {
    const b = { source: r.source, from: r.start * width, fromStride: width, to: at * width, toStride: width, rows: r.length, cols: width }
    at += r.length
    return b
  })
  return assemble(sources, blocks, [rows, width]) as tf.Tensor2D
}

/**
 * Rows `index` of `sources` (all [R_i, D], same D), as one [index length, D] tensor. Every source row
 * is used at most once. `method: 'gather'` forces the gather off WASM (tests of that path).
 */
export function selectRows(sources: tf.Tensor2D[], index: RowIndex, method: 'auto' | 'gather' = 'auto'): tf.Tensor2D {
  const width = sources[0]!.shape[1]
  if (sources.some((s) => s.shape[1] !== width)) throw new Error('selectRows: sources differ in width')
  const sizes = sources.map((s) => s.shape[0])
  const inv = inverse(index, sizes)
  const runs = toRuns(index)
  if (canAssemble()) return assembleRuns(sources, runs, index.row.length)
  const useSlices = method === 'auto' && tf.getBackend() === 'cpu' && (runs.length <= MAX_SLICE_RUNS || index.row.length >= runs.length * MIN_MEAN_RUN)
  const op = customOp((srcs) => {
    let value: tf.Tensor
    if (useSlices) {
      value = concatRuns(runs.map((r) => tf.slice(srcs[r.source]!, [r.start, 0], [r.length, width])))
    } else {
      const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0))
      const flat = Int32Array.from(index.row, (r, i) => offsets[index.source[i]!]! + r)
      value = tf.gather(srcs.length === 1 ? srcs[0]! : tf.concat(srcs, 0), tf.tensor1d(flat, 'int32'))
    }
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] =>
      inv.map((iv) => {
        if (useSlices) return concatRuns(gradientRuns(iv).map((r) => (r.source === 0 ? tf.slice(dy, [r.start, 0], [r.length, width]) : tf.zeros([r.length, width]))))
        const at = Int32Array.from(iv, (o) => (o < 0 ? index.row.length : o))
        return tf.gather(tf.pad(dy, [[0, 1], [0, 0]]), tf.tensor1d(at, 'int32')) // a zero row at the end
      })
    return { value, gradFunc }
  })
  return op(...sources) as tf.Tensor2D
}

/**
 * Rows `index` (of one source: every `index.source` is 0) of each of `sources` (all [R, D]), side by
 * side: [index length, k·D] for k sources, row i = [s₀[r] | s₁[r] | …]. One block assembly on WASM.
 */
export function selectRowsSideBySide(sources: tf.Tensor2D[], index: RowIndex, method: 'auto' | 'gather' = 'auto'): tf.Tensor2D {
  const [rows, width] = sources[0]!.shape
  if (sources.some((s) => s.shape[0] !== rows || s.shape[1] !== width)) throw new Error(`selectRowsSideBySide: sources differ in shape (${sources.map((s) => `[${s.shape}]`).join(', ')})`)
  if (index.source.some((s) => s !== 0)) throw new Error('selectRowsSideBySide: the index must select from one source (source 0)')
  if (!canAssemble()) return tf.tidy(() => tf.concat(sources.map((s) => selectRows([s], index, method)), 1) as tf.Tensor2D)
  inverse(index, [rows])
  const k = sources.length
  let at = 0
  const blocks = toRuns(index).flatMap((r) => {
    const bs = sources.map((_, i) => ({ source: i, from: r.start * width, fromStride: width, to: at * k * width + i * width, toStride: k * width, rows: r.length, cols: width }))
    at += r.length
    return bs
  })
  return assemble(sources, blocks, [index.row.length, k * width]) as tf.Tensor2D
}
