import * as tf from '@tensorflow/tfjs'
import type { ClsSource } from './config'
import { layoutPosition } from './layout'
import { windowCount, type MaskPlan } from './masking'
import { selectRows, selectRowsSideBySide, type RowIndex } from './select_rows'

/**
 * Applying a Window Shift Masking plan to tokens in the window layout (layout.ts), and the padding
 * back (docs/method.md §1.4, §1.7), as injective row selections (select_rows.ts): differentiable on every
 * backend without `tf.gather`'s scatter-add gradient.
 *
 * When every window of a frame keeps the same slots (repeat window, masking off, random window at
 * eval: the default path), a frame's kept patches are whole slot blocks of the layout, and the
 * branch lists them slot block by slot block (all windows' first kept slot, then the second): a few
 * contiguous runs, i.e. slices. The order is the same in every frame, so slot-list position j still
 * pairs the same window across frames for the channel mixing. Masks that differ from window to
 * window list the kept patches in window-view order and select them with one gather.
 */

/** `auto`: slot blocks whenever the plan allows; `rows`: always window-view order and a gather (tests). */
export type SelectionPath = 'auto' | 'rows'

/** Per frame, the kept slots in slot order when all windows of the frame keep the same ones; else null. */
export function frameSlots(plan: MaskPlan): { perFrame: number; slots: Int32Array } | null {
  const g = plan.geometry
  const windows = windowCount(g)
  if (plan.kept % windows) return null
  const k = plan.kept / windows
  const frames = plan.batch * g.frames
  const out = new Int32Array(frames * k)
  for (let f = 0; f < frames; f++) {
    for (let j = 0; j < plan.kept; j++) {
      const pos = layoutPosition(plan.keptPatches[f * plan.kept + j]!, g)
      const w = pos % windows
      const s = Math.floor(pos / windows)
      if (w !== Math.floor(j / k)) return null
      if (w === 0) out[f * k + j] = s
      else if (out[f * k + (j % k)] !== s) return null
    }
  }
  return { perFrame: k, slots: out }
}

function checkTokens(x: tf.Tensor3D, plan: MaskPlan, what: string): void {
  const frames = plan.batch * plan.geometry.frames
  const tokens = 1 + plan.geometry.grid ** 2
  if (x.shape[0] !== frames || x.shape[1] !== tokens) {
    throw new Error(`${what}: tokens [${x.shape}] do not fit the mask plan (expected [${frames}, ${tokens}, width]: batch ${plan.batch} × ${plan.geometry.frames} frames, CLS + ${plan.geometry.grid}² patches)`)
  }
}

/** Layout position (0-based over patches) of branch token j of frame f, for the chosen path. */
function branchPositions(plan: MaskPlan, path: SelectionPath): { positions: Int32Array; blocks: boolean } {
  const g = plan.geometry
  const frames = plan.batch * g.frames
  const windows = windowCount(g)
  const fs = path === 'auto' ? frameSlots(plan) : null
  const positions = new Int32Array(frames * plan.kept)
  for (let f = 0; f < frames; f++)
    for (let j = 0; j < plan.kept; j++) {
      positions[f * plan.kept + j] = fs
        ? fs.slots[f * fs.perFrame + Math.floor(j / windows)]! * windows + (j % windows) // slot block by slot block
        : layoutPosition(plan.keptPatches[f * plan.kept + j]!, g) // window-view order
    }
  return { positions, blocks: fs !== null }
}

/** The rows of the branch sequences (each frame's CLS, then its kept patches) in a [B·T·(1 + P²), ·] token matrix. */
function branchIndex(plan: MaskPlan, path: SelectionPath): { index: RowIndex; method: 'auto' | 'gather' } {
  const frames = plan.batch * plan.geometry.frames
  const tokens = 1 + plan.geometry.grid ** 2
  const len = plan.kept + 1
  const { positions, blocks } = branchPositions(plan, path)
  const index: RowIndex = { source: new Int32Array(frames * len), row: new Int32Array(frames * len) }
  for (let f = 0; f < frames; f++) {
    index.row[f * len] = f * tokens
    for (let j = 0; j < plan.kept; j++) index.row[f * len + 1 + j] = f * tokens + 1 + positions[f * plan.kept + j]!
  }
  return { index, method: blocks ? 'auto' : 'gather' }
}

/** The branch sequences [B·T, 1 + N', D] of window-layout tokens `x`: each frame's CLS, then its kept patches. */
export function maskTokens(x: tf.Tensor3D, plan: MaskPlan, path: SelectionPath = 'auto'): tf.Tensor3D {
  checkTokens(x, plan, 'maskTokens')
  const [frames, tokens, width] = x.shape
  const { index, method } = branchIndex(plan, path)
  return tf.tidy(() => selectRows([x.reshape([frames * tokens, width])], index, method).reshape([frames, plan.kept + 1, width]))
}

/** {@link maskTokens} of several same-shaped token tensors, side by side: [B·T, 1 + N', k·D] (the branch's q|k|v). */
export function maskTokensSideBySide(xs: tf.Tensor3D[], plan: MaskPlan, path: SelectionPath = 'auto'): tf.Tensor3D {
  xs.forEach((x) => checkTokens(x, plan, 'maskTokensSideBySide'))
  const [frames, tokens, width] = xs[0]!.shape
  const { index, method } = branchIndex(plan, path)
  return tf.tidy(() => selectRowsSideBySide(xs.map((x) => x.reshape([frames * tokens, width]) as tf.Tensor2D), index, method).reshape([frames, plan.kept + 1, xs.length * width]))
}

/**
 * Padding (Eq. 1–2's z̃) in the window layout: the main-path tokens `z` [B·T, L, D] with each kept
 * patch replaced by the branch's token `ybar` [B·T, 1 + N', D]; dropped patches keep z. The CLS row
 * comes from the branch (`cls = 'branch'`, released code) or stays z's (`'main'`).
 */
export function padTokens(z: tf.Tensor3D, ybar: tf.Tensor3D, plan: MaskPlan, cls: ClsSource, path: SelectionPath = 'auto'): tf.Tensor3D {
  checkTokens(z, plan, 'padTokens')
  const [frames, tokens, width] = z.shape
  const len = plan.kept + 1
  if (ybar.shape[0] !== frames || ybar.shape[1] !== len || ybar.shape[2] !== width) {
    throw new Error(`padTokens: branch tokens [${ybar.shape}] do not fit (expected [${frames}, ${len}, ${width}])`)
  }
  const { positions, blocks } = branchPositions(plan, path)
  const index: RowIndex = { source: new Int32Array(frames * tokens), row: new Int32Array(frames * tokens) }
  for (let f = 0; f < frames; f++) {
    for (let p = 0; p < tokens; p++) index.row[f * tokens + p] = f * tokens + p // source 0: z
    if (cls === 'branch') {
      index.source[f * tokens] = 1
      index.row[f * tokens] = f * len
    }
    for (let j = 0; j < plan.kept; j++) {
      const o = f * tokens + 1 + positions[f * plan.kept + j]!
      index.source[o] = 1
      index.row[o] = f * len + 1 + j
    }
  }
  return tf.tidy(() => selectRows([z.reshape([frames * tokens, width]), ybar.reshape([frames * len, width])], index, blocks ? 'auto' : 'gather').reshape([frames, tokens, width]))
}
