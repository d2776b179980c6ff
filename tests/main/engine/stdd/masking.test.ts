import { describe, expect, it } from 'vitest'
import { resolveStddConfig, type MaskingConfig } from '../../../../main/engine/stdd/config'
import { dropBudget, keptPatchMap, patchOf, planMasks, rotateRight, shiftedPattern, type MaskGeometry, type MaskPlan } from '../../../../main/engine/stdd/masking'
import { seededRng } from '../../../../main/engine/util/random'

const G44: MaskGeometry = { grid: 4, window: [2, 2], frames: 8 }

function masking(over: Partial<MaskingConfig> = {}): MaskingConfig {
  return resolveStddConfig({ stca: { masking: over } }).stca.masking
}

function framesOf(plan: MaskPlan, b: number): number[][] {
  const T = plan.geometry.frames
  return Array.from({ length: T }, (_, t) => Array.from(plan.keptPatches.slice((b * T + t) * plan.kept, (b * T + t + 1) * plan.kept)))
}

/** Kept patches (row-major ids) of a 4×4 frame when every window keeps the same slots, in window-view order. */
function sameSlotsEverywhere(slots: number[]): number[] {
  // windows of the 4×4 grid: w0 = {0,1,4,5}, w1 = {2,3,6,7}, w2 = {8,9,12,13}, w3 = {10,11,14,15} (TL, TR, BL, BR)
  const windows = [
    [0, 1, 4, 5],
    [2, 3, 6, 7],
    [8, 9, 12, 13],
    [10, 11, 14, 15],
  ]
  return windows.flatMap((w) => slots.map((s) => w[s]!))
}

describe('window geometry', () => {
  it('numbers windows and slots as docs/method.md §1.3', () => {
    expect([0, 1, 2, 3].map((s) => patchOf(0, s, G44))).toEqual([0, 1, 4, 5])
    expect([0, 1, 2, 3].map((s) => patchOf(3, s, G44))).toEqual([10, 11, 14, 15])
    // B/16: 14×14 grid, window 8 = row-pair 1, col-pair 1 → patch (2,2) = 30 is its TL, (3,3) = 45 its BR
    const b16: MaskGeometry = { grid: 14, window: [2, 2], frames: 8 }
    expect(patchOf(8, 0, b16)).toBe(30)
    expect(patchOf(8, 3, b16)).toBe(45)
    expect(patchOf(48, 3, b16)).toBe(195)
    // a 1×2 window on a 4×4 grid: 2 windows per row
    expect([0, 1].map((s) => patchOf(5, s, { grid: 4, window: [1, 2], frames: 2 }))).toEqual([10, 11])
  })

  it('computes the per-window budget as int(r·T·P²) // (T·#windows)', () => {
    const b16: MaskGeometry = { grid: 14, window: [2, 2], frames: 8 }
    expect(dropBudget(0.25, b16)).toBe(1)
    expect(dropBudget(0.5, b16)).toBe(2)
    expect(dropBudget(0.75, b16)).toBe(3)
    expect(dropBudget(0.5, { grid: 16, window: [2, 2], frames: 8 })).toBe(2)
  })

  it('rejects a window that does not tile the grid, naming the option', () => {
    expect(() => planMasks({ batch: 1, geometry: { grid: 5, window: [2, 2], frames: 2 }, masking: masking(), training: false, rng: seededRng(0) })).toThrow(/stca\.masking\.window/)
  })
})

describe('shifted patterns (every phase, every ratio)', () => {
  it('rotates right', () => {
    expect(rotateRight([1, 1, 0, 0], 1)).toEqual([0, 1, 1, 0])
    expect(rotateRight([1, 1, 0, 0], 3)).toEqual([1, 0, 0, 1])
    expect(rotateRight([1, 0, 1, 0], -1)).toEqual([0, 1, 0, 1])
  })

  it('drops [1,1,0,0] rotated by (t + phase) mod 4 at r = 50 %', () => {
    const byShift = [
      [1, 1, 0, 0], // TL TR dropped → keeps BL BR
      [0, 1, 1, 0], // TR BL dropped → keeps TL BR
      [0, 0, 1, 1], // BL BR dropped → keeps TL TR
      [1, 0, 0, 1], // TL BR dropped → keeps TR BL
    ]
    for (let phase = 0; phase < 4; phase++) for (let t = 0; t < 8; t++) expect(shiftedPattern(4, 2, t, phase)).toEqual(byShift[(t + phase) % 4])
  })

  it('drops one slot at r = 25 % and three at r = 75 %', () => {
    expect([0, 1, 2, 3].map((t) => shiftedPattern(4, 1, t, 0))).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ])
    expect([0, 1, 2, 3].map((t) => shiftedPattern(4, 3, t, 1))).toEqual([
      [0, 1, 1, 1],
      [1, 0, 1, 1],
      [1, 1, 0, 1],
      [1, 1, 1, 0],
    ])
  })
})

describe('planMasks: repeat window', () => {
  it('uses the phase-0 table at eval, kept patches in window-view order', () => {
    const plan = planMasks({ batch: 2, geometry: G44, masking: masking(), training: false, rng: seededRng(1) })
    expect(plan.kept).toBe(8)
    const table = [sameSlotsEverywhere([2, 3]), sameSlotsEverywhere([0, 3]), sameSlotsEverywhere([0, 1]), sameSlotsEverywhere([1, 2])]
    expect(table[1]).toEqual([0, 5, 2, 7, 8, 13, 10, 15])
    for (const b of [0, 1]) expect(framesOf(plan, b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((t) => table[t % 4]))
    const map = keptPatchMap(plan)
    expect(map[1]![3]).toEqual([0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0])
  })

  it('keeps 12 of 16 at r = 25 % and 4 of 16 at r = 75 %', () => {
    const q = planMasks({ batch: 1, geometry: G44, masking: masking({ ratio: 0.25 }), training: false, rng: seededRng(0) })
    expect(framesOf(q, 0)[1]).toEqual(sameSlotsEverywhere([0, 2, 3]))
    const t = planMasks({ batch: 1, geometry: G44, masking: masking({ ratio: 0.75 }), training: false, rng: seededRng(0) })
    expect(framesOf(t, 0)[2]).toEqual(sameSlotsEverywhere([1]))
  })

  it('draws one phase per sample in training (no shuffle), and a fresh one per call (per layer)', () => {
    const m = masking({ shuffle: 'off' })
    const rng = seededRng(7)
    const phases = new Set<number>()
    const first = planMasks({ batch: 16, geometry: G44, masking: m, training: true, rng })
    for (let b = 0; b < 16; b++) {
      const fr = framesOf(first, b)
      const phase = [0, 1, 2, 3].find((i) => fr.every((kept, t) => kept.join() === planFrame(t + i).join()))
      expect(phase, `sample ${b} follows one cyclic phase`).toBeDefined()
      phases.add(phase!)
    }
    expect(phases.size).toBe(4)
    const second = planMasks({ batch: 16, geometry: G44, masking: m, training: true, rng })
    expect(Array.from(second.keptPatches)).not.toEqual(Array.from(first.keptPatches))
  })

  it('keeps phase 0 in training with phase "fixed"', () => {
    const plan = planMasks({ batch: 3, geometry: G44, masking: masking({ phase: 'fixed', shuffle: 'off' }), training: true, rng: seededRng(3) })
    for (let b = 0; b < 3; b++) expect(framesOf(plan, b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((t) => planFrame(t)))
  })

  it('shuffles the per-frame masks over time in training (each pattern still used twice), not at eval', () => {
    const plan = planMasks({ batch: 8, geometry: G44, masking: masking(), training: true, rng: seededRng(11) })
    let reordered = 0
    for (let b = 0; b < 8; b++) {
      const fr = framesOf(plan, b).map((k) => k.join())
      const counts = [0, 1, 2, 3].map((i) => fr.filter((k) => k === planFrame(i).join()).length)
      expect(counts).toEqual([2, 2, 2, 2])
      if (![0, 1, 2, 3].some((i) => fr.every((k, t) => k === planFrame(t + i).join()))) reordered++
    }
    expect(reordered).toBeGreaterThan(4)
    const evalPlan = planMasks({ batch: 2, geometry: G44, masking: masking(), training: false, rng: seededRng(11) })
    expect(framesOf(evalPlan, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((t) => planFrame(t)))
  })

  it('shuffles at eval too with "train_and_eval", reproducibly from the seed', () => {
    const m = masking({ shuffle: 'train_and_eval' })
    const a = planMasks({ batch: 4, geometry: G44, masking: m, training: false, rng: seededRng(5) })
    const b = planMasks({ batch: 4, geometry: G44, masking: m, training: false, rng: seededRng(5) })
    expect(Array.from(a.keptPatches)).toEqual(Array.from(b.keptPatches))
    const cyclic = [0, 1, 2, 3, 4, 5, 6, 7].map((t) => planFrame(t).join())
    expect([0, 1, 2, 3].some((s) => framesOf(a, s).map((k) => k.join()).join('|') !== cyclic.join('|'))).toBe(true)
  })

  it('keeps every patch with masking disabled (no WSM)', () => {
    const plan = planMasks({ batch: 1, geometry: G44, masking: masking({ enabled: false }), training: true, rng: seededRng(0) })
    expect(plan.kept).toBe(16)
    expect(framesOf(plan, 0)[5]).toEqual(sameSlotsEverywhere([0, 1, 2, 3]))
  })
})

/** The phase-0 kept list of a 4×4 frame with shift k (hand table above). */
function planFrame(k: number): number[] {
  return [sameSlotsEverywhere([2, 3]), sameSlotsEverywhere([0, 3]), sameSlotsEverywhere([0, 1]), sameSlotsEverywhere([1, 2])][k % 4]!
}

/** Dropped slots of window w in frame t (window-view), from a plan's kept list. */
function droppedSlots(plan: MaskPlan, b: number, t: number, w: number): number[] {
  const kept = new Set(framesOf(plan, b)[t])
  return [0, 1, 2, 3].filter((s) => !kept.has(patchOf(w, s, plan.geometry)))
}

describe('planMasks: Table 5 variants', () => {
  const G: MaskGeometry = { grid: 8, window: [2, 2], frames: 8 } // 16 windows

  it('random window: a phase per window, each window still cyclic; phase 0 everywhere at eval', () => {
    const m = masking({ variant: 'random_window', shuffle: 'off' })
    const plan = planMasks({ batch: 2, geometry: G, masking: m, training: true, rng: seededRng(2) })
    const cyclic = [[0, 1], [1, 2], [2, 3], [0, 3]] // dropped slots for shift 0..3
    const phases = new Set<number>()
    for (let w = 0; w < 16; w++) {
      const p = [0, 1, 2, 3].find((i) => [0, 1, 2, 3, 4, 5, 6, 7].every((t) => droppedSlots(plan, 0, t, w).join() === cyclic[(t + i) % 4]!.join()))
      expect(p, `window ${w}`).toBeDefined()
      phases.add(p!)
    }
    expect(phases.size).toBeGreaterThan(1)
    const ev = planMasks({ batch: 1, geometry: G44, masking: m, training: false, rng: seededRng(2) })
    expect(framesOf(ev, 0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((t) => planFrame(t)))
  })

  it('uniform: any 2 of 4 slots per window in frame 0 (column pairs included), then shifted', () => {
    const plan = planMasks({ batch: 4, geometry: G, masking: masking({ variant: 'uniform', shuffle: 'off' }), training: true, rng: seededRng(9) })
    const firstPairs = new Set<string>()
    for (let b = 0; b < 4; b++)
      for (let w = 0; w < 16; w++) {
        const d0 = droppedSlots(plan, b, 0, w)
        expect(d0).toHaveLength(2)
        firstPairs.add(d0.join())
        for (let t = 1; t < 8; t++) {
          const rotated = rotateRight([0, 1, 2, 3].map((s) => (d0.includes(s) ? 1 : 0)), t).flatMap((bit, s) => (bit ? [s] : []))
          expect(droppedSlots(plan, b, t, w)).toEqual(rotated)
        }
      }
    expect(firstPairs.has('0,2') || firstPairs.has('1,3')).toBe(true)
    expect(plan.kept).toBe(32)
  })

  it('random first frame + shift: half of all patches dropped anywhere, each window rotating over time', () => {
    const plan = planMasks({ batch: 2, geometry: G, masking: masking({ variant: 'random_shift', shuffle: 'off' }), training: true, rng: seededRng(4) })
    expect(plan.kept).toBe(32)
    const counts = new Set<number>()
    for (let w = 0; w < 16; w++) {
      const d0 = droppedSlots(plan, 1, 0, w)
      counts.add(d0.length)
      const rotated = rotateRight([0, 1, 2, 3].map((s) => (d0.includes(s) ? 1 : 0)), 3).flatMap((bit, s) => (bit ? [s] : []))
      expect(droppedSlots(plan, 1, 3, w)).toEqual(rotated)
    }
    expect(counts.size).toBeGreaterThan(1) // not a per-window budget
  })

  it('random per frame: the same number dropped per frame, unrelated from frame to frame', () => {
    const plan = planMasks({ batch: 1, geometry: G, masking: masking({ variant: 'random_frame', shuffle: 'off' }), training: true, rng: seededRng(6) })
    expect(plan.kept).toBe(32)
    const frames = framesOf(plan, 0)
    for (const f of frames) expect(new Set(f).size).toBe(32)
    const isShiftOfFirst = (t: number) => Array.from({ length: 16 }, (_, w) => w).every((w) => {
      const d0 = droppedSlots(plan, 0, 0, w)
      const r = rotateRight([0, 1, 2, 3].map((s) => (d0.includes(s) ? 1 : 0)), t).flatMap((bit, s) => (bit ? [s] : []))
      return droppedSlots(plan, 0, t, w).join() === r.join()
    })
    expect([1, 2, 3].some((t) => !isShiftOfFirst(t))).toBe(true)
  })

  it('keeps window-view order for every variant (kept ids ascend window by window)', () => {
    for (const variant of ['repeat_window', 'random_window', 'uniform', 'random_shift', 'random_frame'] as const) {
      const plan = planMasks({ batch: 1, geometry: G, masking: masking({ variant }), training: true, rng: seededRng(1) })
      const windowOf = (p: number) => Math.floor(Math.floor(p / 8) / 2) * 4 + Math.floor((p % 8) / 2)
      for (const f of framesOf(plan, 0)) for (let j = 1; j < f.length; j++) expect(windowOf(f[j]!)).toBeGreaterThanOrEqual(windowOf(f[j - 1]!))
    }
  })
})
