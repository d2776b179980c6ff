/**
 * The class token's attention of one frame as overlay opacities: the `grid × grid` patch values of
 * frame `frame` from a float32 map `[frames, grid, grid]`, scaled so the frame's strongest patch is 1.
 */
export function attentionCells(attention: Float32Array, frames: number, grid: number, frame: number): number[] {
  const per = grid * grid
  if (attention.length !== frames * per) throw new Error(`attention map: ${attention.length} values for ${frames} frames of ${grid} × ${grid}`)
  if (frame < 0 || frame >= frames) throw new Error(`attention map: frame ${frame + 1} of ${frames}`)
  const values = Array.from(attention.subarray(frame * per, (frame + 1) * per))
  const max = Math.max(...values)
  return values.map((v) => (max > 0 ? Math.max(0, v) / max : 0))
}
