import { describe, expect, it } from 'vitest'
import { evalPlan, shortSideScale, trainPlan, REFERENCE_SPATIAL } from '../../../../main/engine/data/sampling/spatial'
import { evalIndices, linspaceIndices, REFERENCE_TEMPORAL, segmentIndices, spanIndices, trainIndices, windowLength } from '../../../../main/engine/data/sampling/temporal'
import { CLIP_MEAN, CLIP_STD, flipHorizontal, normalize } from '../../../../main/engine/data/sampling/transforms'
import type { Rng } from '../../../../main/engine/util/random'

/** An Rng that returns the given draws in order. */
function scripted(values: number[]): Rng {
  let i = 0
  return { random: () => values[i++ % values.length]! }
}

describe('span sampling (SynthMotion)', () => {
  it('spreads the frames over the whole video, first and last included, by hand', () => {
    expect(spanIndices(16, 8)).toEqual([0, 2, 4, 6, 9, 11, 13, 15])
    expect(spanIndices(8, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(spanIndices(15, 8)).toEqual([0, 2, 4, 6, 8, 10, 12, 14])
    expect(spanIndices(9, 1)).toEqual([4])
  })

  it('is mirror-symmetric, so a reversed video gives the same frames in reverse order (even where rounding meets a half)', () => {
    for (const n of [2, 3, 4, 5, 7, 8, 9, 16, 17, 33]) {
      // an odd count on an even-length video has no middle frame to mirror onto itself
      for (const t of [2, 3, 4, 5, 8].filter((t) => t % 2 === 0 || n % 2 === 1)) {
        const idx = spanIndices(n, t)
        expect(idx.map((i) => n - 1 - i).reverse(), `${n} frames, ${t} picked`).toEqual(idx)
        expect(idx.every((i, k) => i >= 0 && i < n && (k === 0 || i >= idx[k - 1]!))).toBe(true)
      }
    }
    // train and eval pick the same frames: no random offset
    const opts = { numFrames: 8, mode: 'span', samplingRate: 2, targetFps: 30 } as const
    expect(trainIndices(16, 30, opts, scripted([0.9]))).toEqual(spanIndices(16, 8))
    expect(evalIndices(16, 30, opts, 2, 3)).toEqual(spanIndices(16, 8))
  })
})

describe('temporal sampling (PySlowFast geometry)', () => {
  // Expected values computed by hand / numpy float32 (torch.linspace semantics), see docs/method.md §2, §5.1.
  it('window length is stride·T/targetFps·fps', () => {
    expect(windowLength(REFERENCE_TEMPORAL, 30)).toBe(128)
    expect(windowLength(REFERENCE_TEMPORAL, 25)).toBeCloseTo(106.6667, 4)
  })

  it('evaluation: 3 views start at max_start·i/3, 8 frames by linspace', () => {
    // 300 frames at 30 fps: max_start = 172
    expect(evalIndices(300, 30, REFERENCE_TEMPORAL, 0, 3)).toEqual([0, 18, 36, 54, 72, 90, 108, 127])
    expect(evalIndices(300, 30, REFERENCE_TEMPORAL, 1, 3)).toEqual([57, 75, 93, 111, 129, 148, 166, 184])
    expect(evalIndices(300, 30, REFERENCE_TEMPORAL, 2, 3)).toEqual([114, 132, 150, 169, 187, 205, 223, 241])
  })

  it('short videos: all views start at 0 and indices clamp to the last frame', () => {
    for (const v of [0, 1, 2]) expect(evalIndices(50, 30, REFERENCE_TEMPORAL, v, 3)).toEqual([0, 18, 36, 49, 49, 49, 49, 49])
    expect(evalIndices(250, 25, REFERENCE_TEMPORAL, 0, 3)).toEqual([0, 15, 30, 45, 60, 75, 90, 105])
  })

  it('training: the window starts at uniform·max_start', () => {
    expect(trainIndices(300, 30, REFERENCE_TEMPORAL, scripted([0.5]))).toEqual(linspaceIndices(86, 86 + 127, 8, 300))
    expect(trainIndices(300, 30, REFERENCE_TEMPORAL, scripted([0.5]))).toEqual([86, 104, 122, 140, 158, 176, 194, 213])
  })

  it('TSN-style segments over the whole video', () => {
    const seg = { ...REFERENCE_TEMPORAL, mode: 'segments' as const }
    expect(evalIndices(100, 30, seg, 0, 1)).toEqual([6, 18, 31, 43, 56, 68, 81, 93])
    expect(segmentIndices(16, 8, () => 0)).toEqual([0, 2, 4, 6, 8, 10, 12, 14])
    expect(trainIndices(16, 30, seg, scripted([0.99]))).toEqual([1, 3, 5, 7, 9, 11, 13, 15])
  })
})

describe('spatial plans', () => {
  it('short side to 224 with floor, centre crop with ceil', () => {
    expect(shortSideScale(320, 240, 224)).toEqual({ width: 298, height: 224 })
    expect(evalPlan(320, 240, 224)).toEqual({ scale: { width: 298, height: 224 }, crop: { x: 37, y: 0, width: 224, height: 224 } })
    expect(evalPlan(240, 320, 224)).toEqual({ scale: { width: 224, height: 298 }, crop: { x: 0, y: 37, width: 224, height: 224 } })
  })

  it('training: jittered short side, random crop, flip', () => {
    // draws: short = 224 + floor(0.5·33) = 240; x = floor(0.25·96) = 24; y = floor(0.75·16) = 12; flip 0.3 < 0.5
    const { plan, flip } = trainPlan(320, 240, REFERENCE_SPATIAL, scripted([0.5, 0.25, 0.75, 0.3]))
    expect(plan).toEqual({ scale: { width: 320, height: 240 }, crop: { x: 24, y: 12, width: 224, height: 224 } })
    expect(flip).toBe(true)
    const noFlip = trainPlan(320, 240, { ...REFERENCE_SPATIAL, flip: false }, scripted([0, 0, 0, 0]))
    expect(noFlip.plan.scale).toEqual({ width: 298, height: 224 })
    expect(noFlip.flip).toBe(false)
  })
})

describe('transforms', () => {
  it('normalises with CLIP mean/std', () => {
    const out = normalize(new Uint8Array([255, 0, 128]))
    expect(out[0]).toBeCloseTo(1.930336254, 5)
    expect(out[1]).toBeCloseTo(-1.752097128, 5)
    expect(out[2]).toBeCloseTo(0.339948643, 5)
    expect(CLIP_MEAN).toEqual([0.48145466, 0.4578275, 0.40821073])
    expect(CLIP_STD).toEqual([0.26862954, 0.26130258, 0.27577711])
  })

  it('flips each row of each frame', () => {
    // 2 frames × 1 row × 3 pixels
    const d = new Uint8Array([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6])
    expect([...flipHorizontal(d, 2, 1, 3)]).toEqual([3, 3, 3, 2, 2, 2, 1, 1, 1, 6, 6, 6, 5, 5, 5, 4, 4, 4])
  })
})
