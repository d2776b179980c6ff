import type { SpatialPlan } from './types'

/** `select='eq(n\,3)+eq(n\,17)+…'`: passes exactly these decoded-frame numbers (sorted, unique). */
export function selectFilter(sortedUnique: readonly number[]): string {
  return `select='${sortedUnique.map((i) => `eq(n\\,${i})`).join('+')}'`
}

/** The scale and crop filters of a plan (bilinear, as PyTorch's interpolate in the reference). */
export function spatialFilters(plan: SpatialPlan): string[] {
  const f: string[] = []
  if (plan.scale) f.push(`scale=${plan.scale.width}:${plan.scale.height}:flags=bilinear`)
  if (plan.crop) f.push(`crop=${plan.crop.width}:${plan.crop.height}:${plan.crop.x}:${plan.crop.y}`)
  return f
}

/** Sorted unique indices, and where each requested index sits among them. */
export function uniqueIndices(indices: readonly number[]): { unique: number[]; position: number[] } {
  const unique = [...new Set(indices)].sort((a, b) => a - b)
  const at = new Map(unique.map((v, i) => [v, i]))
  return { unique, position: indices.map((i) => at.get(i) as number) }
}

/**
 * Lays out decoded frames (one per unique index, possibly fewer if the video ended early) in the
 * requested order; indices past the last decoded frame reuse it.
 */
export function gatherFrames(raw: Uint8Array, frameBytes: number, decoded: number, position: readonly number[]): { data: Uint8Array; pastEnd: number } {
  const out = new Uint8Array(position.length * frameBytes)
  let pastEnd = 0
  position.forEach((p, t) => {
    const src = Math.min(p, decoded - 1)
    if (p !== src) pastEnd++
    out.set(raw.subarray(src * frameBytes, (src + 1) * frameBytes), t * frameBytes)
  })
  return { data: out, pastEnd }
}

/** Joins filters with commas; `null` (ffmpeg's pass-through filter) when there are none. */
export function filtersOrNull(filters: readonly string[]): string {
  return filters.length ? filters.join(',') : 'null'
}
