import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../helpers/temp-dir'
import { loadEvalClip, loadTrainClip, REFERENCE_CLIP, stackClips, type Clip } from '../../../../main/engine/data/sampling/clip'
import { newPrefetchStats, prefetch } from '../../../../main/engine/data/prefetch'
import { encodeAvi } from '../../../../main/engine/data/synth/encode'
import type { VideoItem } from '../../../../main/engine/data/types'

// 40 frames of 64×48 at 30 fps: left half black, right half white (so a flip is visible).
const T = 40
const W = 64
const H = 48
let dir: ReturnType<typeof tempDir>
let good: VideoItem
beforeAll(async () => {
  dir = tempDir('stdd-clip-')
  const data = new Uint8Array(T * H * W * 3)
  for (let p = 0; p < T * H * W; p++) if (p % W >= W / 2) data.fill(255, p * 3, p * 3 + 3)
  const path = join(dir.path, 'halves.avi')
  await encodeAvi(path, data, [T, H, W, 3], { fps: 30 })
  good = { path, label: 0, className: 'halves', source: 'test' }
})
afterAll(() => dir.remove())

const small = { ...REFERENCE_CLIP, spatial: { size: 32, jitter: [32, 40] as [number, number], flip: true } }

describe('clip loading', () => {
  it('evaluation: 3 views × 8 frames, centre crop, CLIP-normalised', async () => {
    const clip = await loadEvalClip(good, small)
    expect(clip.shape).toEqual([3, 8, 32, 32, 3])
    expect(clip.data.length).toBe(3 * 8 * 32 * 32 * 3)
    // 40 frames < the 128-frame window: every view starts at 0 and clamps to frame 39
    expect(clip.indices).toEqual([0, 1, 2].map(() => [0, 18, 36, 39, 39, 39, 39, 39]))
    // left column black, right column white after normalisation
    expect(clip.data[16 * 32 * 3]).toBeCloseTo(-0.48145466 / 0.26862954, 1)
    expect(clip.data[(16 * 32 + 31) * 3]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 1)
  })

  it('training: jitter, crop and flip from the Rng', async () => {
    // draws: window start 0.5·0 (short video), short side 32 + floor(0.99·9) = 40, x, y, flip (0.1 < 0.5)
    const draws = [0.5, 0.99, 0, 0, 0.1]
    let i = 0
    const clip = await loadTrainClip(good, { random: () => draws[i++]! }, small)
    expect(clip.shape).toEqual([1, 8, 32, 32, 3])
    expect(clip.flipped).toBe(true)
    // 64×48 → 53×40 (black columns 0–26, white from 27); crop x = 0 keeps columns 0–31; the flip puts
    // the white columns at 0–4 and black at the right
    expect(clip.data[(20 * 32 + 1) * 3]).toBeGreaterThan(1.5)
    expect(clip.data[(20 * 32 + 31) * 3]).toBeLessThan(-1.5)
    const batch = stackClips([clip, clip])
    expect(batch.shape).toEqual([2, 1, 8, 32, 32, 3])
  })

  it('evaluation skips broken and missing videos and counts them', async () => {
    const broken = join(dir.path, 'broken.avi')
    writeFileSync(broken, 'not a video')
    const items: VideoItem[] = [good, { ...good, path: broken }, { ...good, path: join(dir.path, 'missing.avi') }, good]
    const stats = newPrefetchStats()
    const clips: Clip[] = []
    const skipped: string[] = []
    for await (const r of prefetch(items, (it) => loadEvalClip(it, small), { depth: 2, stats })) {
      if (r.ok) clips.push(r.value)
      else skipped.push(r.error.message)
    }
    expect(clips).toHaveLength(2)
    expect(stats).toMatchObject({ loads: 4, failed: 2 })
    expect(skipped[0]).toMatch(new RegExp(`^${broken}: ffprobe cannot read the file`))
    expect(skipped[1]).toMatch(/missing\.avi: video not found/)
  })
})
