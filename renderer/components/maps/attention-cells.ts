import type { ValueRange } from '../../charts/value-range'

/**
 * The class token's attention of one frame as overlay strengths in 0…1: the `grid × grid` patch
 * values of frame `frame` from a map `[frames, grid, grid]`, placed on `range` (one scale shared by
 * every run shown, so equal attention looks equal in every run).
 */
export function attentionCells(attention: Float32Array, frames: number, grid: number, frame: number, range: ValueRange): number[] {
  const per = grid * grid
  if (attention.length !== frames * per) throw new Error(`attention map: ${attention.length} values for ${frames} frames of ${grid} × ${grid}`)
  if (frame < 0 || frame >= frames) throw new Error(`attention map: frame ${frame + 1} of ${frames}`)
  const span = range.max - range.min
  return Array.from(attention.subarray(frame * per, (frame + 1) * per), (v) => (span > 0 ? Math.min(1, Math.max(0, (v - range.min) / span)) : 0))
}
