import type { LoadedClip, ModelGeometry } from '../train/video-data'

/**
 * The compact maps kept of every evaluated video (set-capture.ts stores them): the frames the model
 * saw, shrunk to at most {@link MAX_FRAME_SIDE} pixels a side, and the frame × prompt scores of only
 * the classes a reader looks at (the true class and the top-5).
 */

/** Frames wider or taller than this are box-averaged down by a whole factor (224 → 56; SynthMotion's 64 stays). */
export const MAX_FRAME_SIDE = 64

/**
 * View 0 of a clip `[V, T, H, W, 3]` (CLIP-normalised) as 8-bit RGB frames side by side, each frame
 * shrunk by the whole factor `ceil(max(H, W) / maxSide)` (the mean of each factor × factor block).
 */
export function frameStrip(clip: LoadedClip, geometry: ModelGeometry, maxSide = MAX_FRAME_SIDE): { rgb: Uint8Array; width: number; height: number; frames: number } {
  const [, t, h, w] = clip.shape
  const f = Math.max(1, Math.ceil(Math.max(h, w) / maxSide))
  const [oh, ow] = [Math.floor(h / f), Math.floor(w / f)]
  const rgb = new Uint8Array(oh * t * ow * 3)
  for (let frame = 0; frame < t; frame++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++)
        for (let c = 0; c < 3; c++) {
          let sum = 0
          for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += clip.data[((frame * h + y * f + dy) * w + x * f + dx) * 3 + c]!
          const v = (sum / (f * f)) * geometry.std[c]! + geometry.mean[c]!
          rgb[(y * t * ow + frame * ow + x) * 3 + c] = Math.round(255 * Math.min(1, Math.max(0, v)))
        }
  return { rgb, width: t * ow, height: oh, frames: t }
}

/** The classes whose prompt scores are kept: the true class first, then the top-k in rank order. */
export function keptClasses(trueClass: number, top: readonly { classIndex: number }[]): number[] {
  return [trueClass, ...top.map((t) => t.classIndex).filter((k) => k !== trueClass)]
}

/** From scores `[frames, classes, prompts]` (row-major), the columns of `kept`: `[frames, kept, prompts]`. */
export function keepColumns(scores: ArrayLike<number>, shape: readonly [number, number, number], kept: readonly number[]): Float32Array {
  const [frames, classes, prompts] = shape
  if (scores.length !== frames * classes * prompts) throw new Error(`score map: ${scores.length} values for ${frames} × ${classes} × ${prompts}`)
  const out = new Float32Array(frames * kept.length * prompts)
  for (let t = 0; t < frames; t++)
    kept.forEach((k, j) => {
      if (k < 0 || k >= classes) throw new Error(`score map: class ${k} of ${classes}`)
      for (let m = 0; m < prompts; m++) out[(t * kept.length + j) * prompts + m] = scores[(t * classes + k) * prompts + m]!
    })
  return out
}
