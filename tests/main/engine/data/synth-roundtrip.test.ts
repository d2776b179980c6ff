import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../helpers/temp-dir'
import { loadUcf101 } from '../../../../main/engine/data/adapters/ucf101'
import { loadEvalClip, REFERENCE_CLIP } from '../../../../main/engine/data/sampling/clip'
import { generateSynthVideo } from '../../../../main/engine/data/synth/generate'
import { SYNTH_MANIFEST, writeSynthDataset, type SynthManifest } from '../../../../main/engine/data/synth/writer'
import { buildSynthWorld } from '../../../../main/engine/data/synth/world'
import { openVideo } from '../../../../main/engine/data/video/source'

const SIZE = 48
/** Pairs that differ only in order (0/1, 22/23), fades and scales: 21 encodes keep the test quick. */
const CLASSES = [0, 1, 2, 6, 13, 22, 23]
const FRAMES = 8
let dir: ReturnType<typeof tempDir>
let manifest: SynthManifest

beforeAll(async () => {
  dir = tempDir('stdd-synth-')
  manifest = await writeSynthDataset({ outDir: dir.path, seed: 7, size: SIZE, frames: FRAMES, perClass: 3, concurrency: 2, classIndices: CLASSES })
})
afterAll(() => dir.remove())

function mae(a: Uint8Array, b: Uint8Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!)
  return s / a.length
}

describe('SynthMotion written to disk in the UCF101 layout', () => {
  it('is read back by the UCF101 adapter with the world\'s class names and labels', () => {
    const world = buildSynthWorld({ seed: 7 })
    const test = loadUcf101(dir.path, { split: 1, list: 'test' })
    expect(test.classes).toEqual(world.classes.map((c) => c.name))
    expect(test.items.map((i) => i.label)).toEqual(CLASSES)
    expect(test.items.map((i) => i.className)).toEqual(CLASSES.map((c) => world.classes[c]!.name))
    expect(test.missing).toEqual([])
    expect(loadUcf101(dir.path, { split: 3, list: 'train' }).items).toHaveLength(2 * CLASSES.length)
    expect(existsSync(join(dir.path, SYNTH_MANIFEST))).toBe(true)
    const onDisk = JSON.parse(readFileSync(join(dir.path, SYNTH_MANIFEST), 'utf8')) as SynthManifest
    expect(onDisk.unseen).toEqual(world.unseen)
    expect(onDisk.videos[0]!.captions).toHaveLength(FRAMES)
    expect(manifest.videos).toHaveLength(3 * CLASSES.length)
  })

  it('decodes through ffmpeg to the in-memory frames within the codec error', async () => {
    const world = buildSynthWorld({ seed: 7 })
    const items = loadUcf101(dir.path, { split: 2, list: 'test' }).items // video index 1 of every class
    for (const item of items) {
      const video = await openVideo(item.path)
      expect(video.info).toMatchObject({ width: SIZE, height: SIZE, frameCount: FRAMES })
      const decoded = await video.decode([...Array(FRAMES).keys()], { scale: null, crop: null })
      const memory = generateSynthVideo(world, item.label, 1, { size: SIZE, frames: FRAMES })
      const err = mae(decoded.data, memory.data)
      // MPEG-4 at q 2 with 4:2:0 chroma: 2–3 levels mean absolute error (measured), mostly at coloured edges
      expect(err, item.className).toBeLessThan(5)
      // the check can tell videos apart: another class's video (3 classes on) is far off
      const other = generateSynthVideo(world, (item.label + 3) % world.classes.length, 1, { size: SIZE, frames: FRAMES })
      expect(mae(decoded.data, other.data), item.className).toBeGreaterThan(3 * err)
    }
  })

  it('goes through the evaluation clip loader (3 views, resize, normalise)', async () => {
    const [item] = loadUcf101(dir.path, { split: 1, list: 'test' }).items
    const clip = await loadEvalClip(item!, { ...REFERENCE_CLIP, temporal: { numFrames: 4, mode: 'segments', samplingRate: 1, targetFps: 30 }, spatial: { ...REFERENCE_CLIP.spatial, size: 24 } })
    expect(clip.shape).toEqual([3, 4, 24, 24, 3])
    expect(clip.data).toBeInstanceOf(Float32Array)
    expect(clip.indices[1]).toEqual([1, 3, 5, 7])
    expect(Math.max(...clip.data)).toBeLessThan(2.2)
  })

  it('writes the world an experiment names by its looks and unseen groups', async () => {
    const out = tempDir('stdd-synth-looks-')
    try {
      const written = await writeSynthDataset({ outDir: out.path, seed: 2, looks: 3, unseenGroups: 8, size: 16, frames: 2, perClass: 3, classIndices: [71] })
      const world = buildSynthWorld({ seed: 2, looks: 3, unseenGroups: 8 })
      expect(written.classes.map((c) => c.name)).toEqual(world.classes.map((c) => c.name))
      expect(written.unseen).toEqual(world.unseen)
      expect(readFileSync(join(out.path, 'ucfTrainTestlist', 'classInd.txt'), 'utf8').trim().split('\n')).toHaveLength(72)
    } finally {
      out.remove()
    }
  })

  it('refuses to overwrite a non-empty folder', async () => {
    await expect(writeSynthDataset({ outDir: dir.path, perClass: 3 })).rejects.toThrow(/not empty.*--force/)
  })
})
