import { describe, expect, it } from 'vitest'
import { MOTION_PAIRS } from '../../../../main/engine/data/synth/motion'
import { captionFrame } from '../../../../main/engine/data/synth/captions'
import { generateSynthVideo, renderSynthVideo, synthBatch, synthItems } from '../../../../main/engine/data/synth/generate'
import { sampleVideoParams } from '../../../../main/engine/data/synth/render'
import { allSynthClasses, buildSynthWorld } from '../../../../main/engine/data/synth/world'
import { PythonRandom } from '../../../../main/engine/data/protocols/python-random'
import { SYNTH_COLOURS, SYNTH_OBJECTS, SYNTH_SCENES } from '../../../../main/engine/data/synth/types'

describe('SynthMotion world', () => {
  const world = buildSynthWorld({ seed: 0 })

  it('has 24 compositional classes in 12 order-only pairs', () => {
    expect(world.classes).toHaveLength(24)
    for (const c of world.classes) {
      const r = world.classes[c.reverseIndex]!
      expect(r.reverseIndex).toBe(c.index)
      expect(r.composition).toEqual({ ...c.composition, motion: r.composition.motion })
      expect(MOTION_PAIRS.some(([a, b]) => (a === c.composition.motion && b === r.composition.motion) || (b === c.composition.motion && a === r.composition.motion))).toBe(true)
      expect(c.folder).toMatch(/^[A-Za-z]+$/)
    }
    expect(world.classes[0]).toMatchObject({ name: 'Red Square Sliding Right On Grass', folder: 'RedSquareSlidingRightOnGrass', phrase: 'a red square sliding right on grass' })
  })

  it('holds out whole pairs as unseen, while every primitive stays seen', () => {
    expect(world.unseen).toHaveLength(8)
    expect(world.seen).toHaveLength(16)
    const seen = world.seen.map((i) => world.classes[i]!.composition)
    expect(new Set(seen.map((c) => c.object)).size).toBe(SYNTH_OBJECTS.length)
    expect(new Set(seen.map((c) => c.colour)).size).toBe(SYNTH_COLOURS.length)
    expect(new Set(seen.map((c) => c.scene)).size).toBe(SYNTH_SCENES.length)
    expect(new Set(seen.map((c) => c.motion)).size).toBe(8)
    for (const u of world.unseen) expect(world.unseen).toContain(world.classes[u]!.reverseIndex)
    expect(buildSynthWorld({ seed: 0 })).toEqual(world)
    expect(buildSynthWorld({ seed: 5 }).unseen).not.toEqual(world.unseen)
  })

  it('draws its identity from the world seed: which colour and scene each group has, every object meeting every colour and scene', () => {
    const identity = (seed: number): string[] => buildSynthWorld({ seed }).classes.map((c) => c.name)
    const identities = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((s) => identity(s).join('|')))
    expect(identities.size).toBeGreaterThanOrEqual(6)
    for (const seed of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const w = buildSynthWorld({ seed })
      for (const object of SYNTH_OBJECTS) {
        const own = w.classes.filter((c) => c.composition.object === object).map((c) => c.composition)
        expect(new Set(own.map((c) => c.colour)).size, `seed ${seed} ${object}`).toBe(SYNTH_COLOURS.length)
        expect(new Set(own.map((c) => c.scene)).size, `seed ${seed} ${object}`).toBe(SYNTH_SCENES.length)
      }
      // every class of every world is one of the 216 the built-in graph and SynthCLIP cover
      const all = new Set(allSynthClasses().map((c) => c.name))
      for (const c of w.classes) expect(all.has(c.name), c.name).toBe(true)
    }
    expect(allSynthClasses()).toHaveLength(216)
  })

  it('shows each object × motion pair in several looks (colour and scene) when asked, one world per key', () => {
    expect(buildSynthWorld({ seed: 3, looks: 1 })).toEqual(buildSynthWorld({ seed: 3 }))
    const w = buildSynthWorld({ seed: 3, looks: 3, unseenGroups: 8 })
    expect(w.classes).toHaveLength(72)
    expect(new Set(w.classes.map((c) => c.name)).size).toBe(72)
    expect(w.unseen).toHaveLength(16)
    for (const object of SYNTH_OBJECTS) {
      for (const [forward] of MOTION_PAIRS) {
        const looks = w.classes.filter((c) => c.composition.object === object && c.composition.motion === forward).map((c) => c.composition)
        expect(new Set(looks.map((c) => c.colour)).size, `${object} ${forward}`).toBe(3)
        expect(new Set(looks.map((c) => c.scene)).size, `${object} ${forward}`).toBe(3)
      }
    }
    for (const c of w.classes) expect(w.classes[c.reverseIndex]!.composition).toEqual({ ...c.composition, motion: w.classes[c.reverseIndex]!.composition.motion })
    for (const u of w.unseen) expect(w.unseen).toContain(w.classes[u]!.reverseIndex)
    expect(() => buildSynthWorld({ looks: 4 })).toThrow(/synthmotion.looks must be 1, 2 or 3 \(got 4\)/)
  })
})

describe('SynthMotion videos', () => {
  const world = buildSynthWorld({ seed: 3 })

  it('are deterministic for a seed', () => {
    const a = generateSynthVideo(world, 4, 2, { frames: 8, size: 32 })
    const b = generateSynthVideo(buildSynthWorld({ seed: 3 }), 4, 2, { frames: 8, size: 32 })
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true)
    expect(a.shape).toEqual([8, 32, 32, 3])
    const c = generateSynthVideo(world, 4, 3, { frames: 8, size: 32 })
    expect(Buffer.from(a.data).equals(Buffer.from(c.data))).toBe(false)
  })

  it('pairs differ only in temporal order: same parameters, frames reversed', () => {
    for (const cls of [0, 2, 4, 6]) {
      const params = sampleVideoParams(world.classes[cls]!.composition.motion, new PythonRandom(99))
      const fwd = renderSynthVideo(world, cls, params, { frames: 6, size: 24 })
      const back = renderSynthVideo(world, world.classes[cls]!.reverseIndex, params, { frames: 6, size: 24 })
      const f = 24 * 24 * 3
      for (let t = 0; t < 6; t++) expect(Buffer.from(back.data.subarray(t * f, (t + 1) * f)).equals(Buffer.from(fwd.data.subarray((5 - t) * f, (6 - t) * f))), `${cls} t=${t}`).toBe(true)
      // and the video really moves: first and last frames differ
      expect(Buffer.from(fwd.data.subarray(0, f)).equals(Buffer.from(fwd.data.subarray(5 * f)))).toBe(false)
    }
  })

  it('makes video k of a class the frame-by-frame reverse of video k of its order-only twin', () => {
    for (const cls of world.classes.filter((c) => c.index < c.reverseIndex)) {
      const fwd = generateSynthVideo(world, cls.index, 7, { frames: 8, size: 24 })
      const back = generateSynthVideo(world, cls.reverseIndex, 7, { frames: 8, size: 24 })
      const f = 24 * 24 * 3
      for (let t = 0; t < 8; t++) expect(Buffer.from(back.data.subarray(t * f, (t + 1) * f)).equals(Buffer.from(fwd.data.subarray((7 - t) * f, (8 - t) * f))), `${cls.name} t=${t}`).toBe(true)
    }
    // other videos of the pair, and other pairs, vary
    expect(Buffer.from(generateSynthVideo(world, 0, 7, { frames: 8, size: 24 }).data).equals(Buffer.from(generateSynthVideo(world, 0, 8, { frames: 8, size: 24 }).data))).toBe(false)
  })

  it('draws the object where its state says', () => {
    // a red object sliding right: at t = 0 its centre is at x ≈ 0.2, at t = 1 at x ≈ 0.8
    const cls = buildSynthWorld({ seed: 0 }).classes.find((c) => c.composition.colour === 'red' && c.composition.motion === 'sliding right')!
    const v = generateSynthVideo(buildSynthWorld({ seed: 0 }), cls.index, 0, { frames: 5, size: 40 })
    const redness = (t: number, x0: number, x1: number): number => {
      let n = 0
      for (let y = 0; y < 40; y++) for (let x = x0; x < x1; x++) {
        const o = ((t * 40 + y) * 40 + x) * 3
        if (v.data[o]! > 180 && v.data[o + 1]! < 90) n++
      }
      return n
    }
    expect(redness(0, 0, 20)).toBeGreaterThan(20)
    expect(redness(0, 20, 40)).toBe(0)
    expect(redness(4, 20, 40)).toBeGreaterThan(20)
    expect(redness(4, 0, 20)).toBe(0)
    expect(v.captions[0]!.horizontal).toBe('left')
    expect(v.captions[4]!.horizontal).toBe('right')
  })

  it('captions each frame statically', () => {
    const comp = { object: 'square', colour: 'red', motion: 'sliding right', scene: 'grass' } as const
    expect(captionFrame(comp, { x: 0.2, y: 0.5, size: 0.26, opacity: 1 }).text).toBe('a medium red square at the left on grass')
    expect(captionFrame({ ...comp, scene: 'night', object: 'circle' }, { x: 0.5, y: 0.2, size: 0.45, opacity: 0.4 }).text).toBe('a large faint red circle at the top at night')
    expect(captionFrame(comp, { x: 0.8, y: 0.8, size: 0.1, opacity: 1 }).text).toBe('a small red square at the bottom right on grass')
    expect(captionFrame(comp, { x: 0.5, y: 0.5, size: 0.3, opacity: 0.05 })).toMatchObject({ visibility: 'hidden', text: 'an empty scene on grass' })
  })

  it('batches in memory with labels in a label space', () => {
    const items = synthItems(world.seen.slice(0, 3), 2)
    const batch = synthBatch(world, items, { frames: 4, size: 16 }, world.seen)
    expect(batch.shape).toEqual([6, 4, 16, 16, 3])
    expect(batch.data.length).toBe(6 * 4 * 16 * 16 * 3)
    expect(batch.labels).toEqual([0, 0, 1, 1, 2, 2])
    expect(batch.captions).toHaveLength(6)
    expect(batch.captions[0]).toHaveLength(4)
    expect(() => synthBatch(world, [{ classIndex: world.unseen[0]!, videoIndex: 0 }], {}, world.seen)).toThrow(/not in the label space/)
  })
})
