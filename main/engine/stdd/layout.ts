import * as tf from '@tensorflow/tfjs'
import type { MaskGeometry } from './masking'

/**
 * The token order an STDD tower runs in: the class token, then the patches **slot-major by
 * window** — all windows' slot 0 (TL), then all windows' slot 1, … (patch of window w and slot s at
 * sequence position 1 + s·#windows + w), instead of CLIP's row-major order.
 *
 * Attention, LayerNorm and MLP treat tokens as a set (the positions are already added by the
 * embeddings), so a tower gives the same outputs in any token order; in this one a frame's patches
 * form contiguous slot blocks, and Window Shift Masking keeps whole blocks: a few slices
 * (selection.ts) instead of a gather. The tower permutes once after its embeddings (three
 * rank-4 transposes) and never back: only the class token leaves it.
 */

/** Sequence position (after CLS, 0-based over patches) of row-major patch `p`. */
export function layoutPosition(p: number, g: MaskGeometry): number {
  const [wh, ww] = g.window
  const r = Math.floor(p / g.grid)
  const c = p % g.grid
  const windows = (g.grid / wh) * (g.grid / ww)
  const w = Math.floor(r / wh) * (g.grid / ww) + Math.floor(c / ww)
  const s = (r % wh) * ww + (c % ww)
  return s * windows + w
}

/** Patches [F, P², C] in row-major order → window layout (slot-major). */
export function patchesToWindowLayout(x: tf.Tensor3D, g: MaskGeometry): tf.Tensor3D {
  const [f, n, c] = x.shape
  const [wh, ww] = g.window
  const nr = g.grid / wh
  const nc = g.grid / ww
  if (n !== g.grid * g.grid) throw new Error(`window layout: ${n} patches do not form a ${g.grid}×${g.grid} grid`)
  return tf.tidy(() => {
    const a = x.reshape([f, nr, wh, nc * ww * c]).transpose([0, 2, 1, 3]) // [f, sr, wr, (wc, sc, C)]
    const b = a.reshape([f * wh * nr, nc, ww, c]).transpose([0, 2, 1, 3]) // [f·sr·wr, sc, wc, C]
    return b.reshape([f * wh, nr, ww, nc * c]).transpose([0, 2, 1, 3]).reshape([f, n, c]) as tf.Tensor3D // [f·sr, sc, wr, (wc, C)]
  })
}

/** The inverse of {@link patchesToWindowLayout}. */
export function patchesFromWindowLayout(x: tf.Tensor3D, g: MaskGeometry): tf.Tensor3D {
  const [f, n, c] = x.shape
  const [wh, ww] = g.window
  const nr = g.grid / wh
  const nc = g.grid / ww
  if (n !== g.grid * g.grid) throw new Error(`window layout: ${n} patches do not form a ${g.grid}×${g.grid} grid`)
  return tf.tidy(() => {
    const b = x.reshape([f * wh, ww, nr, nc * c]).transpose([0, 2, 1, 3]) // [f·sr, wr, sc, (wc, C)]
    const a = b.reshape([f * wh * nr, ww, nc, c]).transpose([0, 2, 1, 3]) // [f·sr·wr, wc, sc, C]
    return a.reshape([f, wh, nr, nc * ww * c]).transpose([0, 2, 1, 3]).reshape([f, n, c]) as tf.Tensor3D
  })
}

function mapPatches(x: tf.Tensor3D, fn: (p: tf.Tensor3D) => tf.Tensor3D): tf.Tensor3D {
  const [f, l, c] = x.shape
  return tf.tidy(() => tf.concat([tf.slice(x, [0, 0, 0], [f, 1, c]), fn(tf.slice(x, [0, 1, 0], [f, l - 1, c]) as tf.Tensor3D)], 1) as tf.Tensor3D)
}

/** Tokens [F, 1 + P², C] (CLS first) from CLIP's order into the window layout. */
export function toWindowLayout(x: tf.Tensor3D, g: MaskGeometry): tf.Tensor3D {
  return mapPatches(x, (p) => patchesToWindowLayout(p, g))
}

/** Tokens [F, 1 + P², C] from the window layout back into CLIP's order. */
export function fromWindowLayout(x: tf.Tensor3D, g: MaskGeometry): tf.Tensor3D {
  return mapPatches(x, (p) => patchesFromWindowLayout(p, g))
}
