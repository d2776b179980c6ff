import type { MaskingConfig, MaskRatio } from './config'
import { permutation, randomInt, sample, type Rng } from '../util/random'

/**
 * Window Shift Masking (docs/method.md §1.3–1.4): which patches of each frame enter the STCA branch.
 *
 * Patches are grouped into windows of `window[0]` × `window[1]` patches. Window `w` =
 * (r / wh)·(P / ww) + (c / ww), in-window slot `s` = (r % wh)·ww + (c % ww) (0 = TL, 1 = TR, 2 = BL,
 * 3 = BR for 2×2), window-view index w·slots + s. A window drops `budget` slots; the base drop list is
 * [1 × budget, 0 × (slots − budget)] and frame t with phase i drops the base list rotated right by
 * (t + i) mod slots. Kept patches are listed in window-view order, so slot-list position j of every
 * frame lies in the same window (the "interleaved positions" the channel mixing connects). The
 * class token is never masked; it is not part of a plan.
 *
 * Pure index arithmetic: no tensors. Applying a plan to tokens is `selection.ts`.
 */

export interface MaskGeometry {
  /** Patches per side (P). */
  grid: number
  /** Window rows × cols. */
  window: readonly [number, number]
  /** Frames per clip (T). */
  frames: number
}

export interface MaskPlan {
  batch: number
  geometry: MaskGeometry
  /** Patches kept per frame (N'). */
  kept: number
  /** Row-major patch index (r·P + c) of each kept patch, per frame `b·T + t`, in window-view order: [B·T·N']. */
  keptPatches: Int32Array
}

export function windowCount(g: MaskGeometry): number {
  return (g.grid / g.window[0]) * (g.grid / g.window[1])
}

export function slotCount(g: MaskGeometry): number {
  return g.window[0] * g.window[1]
}

/** Checks that the window tiles the grid; throws naming the option otherwise. */
export function checkGeometry(g: MaskGeometry): void {
  const [wh, ww] = g.window
  if (!Number.isInteger(g.grid) || g.grid < 1 || g.grid % wh !== 0 || g.grid % ww !== 0) {
    throw new Error(`stca.masking.window [${wh}, ${ww}] must tile the ${g.grid}×${g.grid} patch grid`)
  }
  if (!Number.isInteger(g.frames) || g.frames < 1) throw new Error(`masking: frames must be a positive integer, got ${g.frames}`)
}

/** Row-major patch index of slot `s` of window `w`. */
export function patchOf(w: number, s: number, g: MaskGeometry): number {
  const [wh, ww] = g.window
  const perRow = g.grid / ww
  const r = Math.floor(w / perRow) * wh + Math.floor(s / ww)
  const c = (w % perRow) * ww + (s % ww)
  return r * g.grid + c
}

/** Slots dropped per window: int(r·T·P²) // (T·#windows), as the released code computes it. */
export function dropBudget(ratio: MaskRatio, g: MaskGeometry): number {
  return Math.floor(Math.floor(ratio * g.frames * g.grid * g.grid) / (g.frames * windowCount(g)))
}

/** `pattern` rotated right by `k`: out[s] = pattern[(s − k) mod n]. */
export function rotateRight(pattern: readonly number[], k: number): number[] {
  const n = pattern.length
  return pattern.map((_, s) => pattern[(((s - k) % n) + n) % n]!)
}

/** The drop bits (1 = dropped) of a window in frame `t` with phase `phase`: the base list rotated right by t + phase. */
export function shiftedPattern(slots: number, budget: number, t: number, phase: number): number[] {
  const base = Array.from({ length: slots }, (_, s) => (s < budget ? 1 : 0))
  return rotateRight(base, (t + phase) % slots)
}

/** Drop bits of one frame in window-view order ([#windows·slots]). */
type FrameBits = number[]

function fromWindowPatterns(patterns: number[][]): FrameBits {
  return patterns.flat()
}

/** The per-frame drop bits of one sample, before any temporal shuffle. */
function sampleFrames(variant: MaskingConfig['variant'], g: MaskGeometry, budget: number, training: boolean, randomPhase: boolean, rng: Rng): FrameBits[] {
  const slots = slotCount(g)
  const windows = windowCount(g)
  const frames = Array.from({ length: g.frames }, (_, t) => t)
  switch (variant) {
    case 'repeat_window': {
      const phase = training && randomPhase ? randomInt(rng, 0, slots - 1) : 0
      return frames.map((t) => fromWindowPatterns(Array.from({ length: windows }, () => shiftedPattern(slots, budget, t, phase))))
    }
    case 'random_window': {
      const phases = Array.from({ length: windows }, () => (training && randomPhase ? randomInt(rng, 0, slots - 1) : 0))
      return frames.map((t) => fromWindowPatterns(phases.map((p) => shiftedPattern(slots, budget, t, p))))
    }
    case 'uniform': {
      const first = Array.from({ length: windows }, () => {
        const bits = new Array<number>(slots).fill(0)
        for (const s of sample(slots, budget, rng)) bits[s] = 1
        return bits
      })
      return frames.map((t) => fromWindowPatterns(first.map((bits) => rotateRight(bits, t % slots))))
    }
    case 'random_shift': {
      const bits = randomFrameBits(windows * slots, budget * windows, rng)
      const first = Array.from({ length: windows }, (_, w) => bits.slice(w * slots, (w + 1) * slots))
      return frames.map((t) => fromWindowPatterns(first.map((wb) => rotateRight(wb, t % slots))))
    }
    case 'random_frame':
      return frames.map(() => randomFrameBits(windows * slots, budget * windows, rng))
  }
}

function randomFrameBits(n: number, dropped: number, rng: Rng): FrameBits {
  const bits = new Array<number>(n).fill(0)
  for (const i of sample(n, dropped, rng)) bits[i] = 1
  return bits
}

export interface PlanOptions {
  batch: number
  geometry: MaskGeometry
  masking: MaskingConfig
  /** Training draws phases (and shuffles when `shuffle` ≠ 'off'); eval uses phase 0. */
  training: boolean
  /** The source of every random choice; at eval, a generator seeded with `masking.evalSeed`. */
  rng: Rng
}

/**
 * One block's mask plan. With masking disabled every patch is kept, in window-view order (Table 4's
 * "no WSM"). Each call draws afresh, so every block of a training forward gets its own masks.
 */
export function planMasks(o: PlanOptions): MaskPlan {
  const g = o.geometry
  checkGeometry(g)
  const n = g.grid * g.grid
  const slots = slotCount(g)
  const windows = windowCount(g)
  if (!o.masking.enabled) {
    const keptPatches = new Int32Array(o.batch * g.frames * n)
    for (let f = 0; f < o.batch * g.frames; f++) for (let w = 0; w < windows; w++) for (let s = 0; s < slots; s++) keptPatches[f * n + w * slots + s] = patchOf(w, s, g)
    return { batch: o.batch, geometry: g, kept: n, keptPatches }
  }
  const budget = dropBudget(o.masking.ratio, g)
  const kept = n - budget * windows
  if (kept < 1 || budget < 1) throw new Error(`stca.masking.ratio ${o.masking.ratio} drops ${budget} of ${slots} slots per window: nothing would be ${budget < 1 ? 'dropped' : 'kept'}`)
  const shuffle = o.masking.shuffle === 'train_and_eval' || (o.masking.shuffle === 'train' && o.training)
  const keptPatches = new Int32Array(o.batch * g.frames * kept)
  for (let b = 0; b < o.batch; b++) {
    let frames = sampleFrames(o.masking.variant, g, budget, o.training, o.masking.phase === 'random', o.rng)
    if (shuffle) frames = permutation(g.frames, o.rng).map((i) => frames[i]!)
    frames.forEach((bits, t) => {
      let j = (b * g.frames + t) * kept
      for (let w = 0; w < windows; w++) for (let s = 0; s < slots; s++) if (!bits[w * slots + s]) keptPatches[j++] = patchOf(w, s, g)
    })
  }
  return { batch: o.batch, geometry: g, kept, keptPatches }
}

/** The kept-patch map of a plan: [B][T][P²], 1 where kept, row-major patch order. */
export function keptPatchMap(plan: MaskPlan): number[][][] {
  const { frames, grid } = plan.geometry
  const n = grid * grid
  return Array.from({ length: plan.batch }, (_, b) =>
    Array.from({ length: frames }, (_, t) => {
      const row = new Array<number>(n).fill(0)
      const off = (b * frames + t) * plan.kept
      for (let j = 0; j < plan.kept; j++) row[plan.keptPatches[off + j]!] = 1
      return row
    }),
  )
}
