import type { SpatialPlan } from '../video/types'
import { randomInt, type Rng } from '../../util/random'

/** Resize and crop (docs/method.md §2 training, §5.1 evaluation). */
export interface SpatialOptions {
  /** Output side (crop size). 224 in the reference. */
  size: number
  /** Training: short side resized to an integer uniform in [min, max] (224–256); evaluation uses `size`. */
  jitter: [number, number]
  /** Training: horizontal flip with probability ½. */
  flip: boolean
}

export const REFERENCE_SPATIAL: SpatialOptions = { size: 224, jitter: [224, 256], flip: true }

/** PySlowFast `short_side_scale`: short side → `short`, long side → floor(long/short_src · short). */
export function shortSideScale(width: number, height: number, short: number): { width: number; height: number } {
  if (width <= height) return { width: short, height: Math.floor((height / width) * short) }
  return { width: Math.floor((width / height) * short), height: short }
}

/** Evaluation: short side to `size`, centre crop with offsets ceil((side − size)/2) (PySlowFast `uniform_crop`, index 1). */
export function evalPlan(width: number, height: number, size: number): SpatialPlan {
  const scale = shortSideScale(width, height, size)
  const x = Math.ceil((scale.width - size) / 2)
  const y = Math.ceil((scale.height - size) / 2)
  return { scale, crop: { x, y, width: size, height: size } }
}

/** Training: random short side in `jitter`, random crop (offsets uniform in [0, side − size)), and whether to flip. */
export function trainPlan(width: number, height: number, opts: SpatialOptions, rng: Rng): { plan: SpatialPlan; flip: boolean } {
  const short = randomInt(rng, opts.jitter[0], opts.jitter[1])
  const scale = shortSideScale(width, height, short)
  const x = scale.width > opts.size ? Math.floor(rng.random() * (scale.width - opts.size)) : 0
  const y = scale.height > opts.size ? Math.floor(rng.random() * (scale.height - opts.size)) : 0
  const flip = opts.flip && rng.random() < 0.5
  return { plan: { scale, crop: { x, y, width: opts.size, height: opts.size } }, flip }
}
