import { CLIP_MEAN, CLIP_STD } from '../data/sampling/transforms'
import { seededRng, type Rng } from '../util/random'
import { captionFrame, keyframeCaption } from '../data/synth/captions'
import { stateAt, twinMotion } from '../data/synth/motion'
import { renderFrame, sampleVideoParams } from '../data/synth/render'
import { SYNTH_OBJECTS, type FrameCaption, type FrameState, type SynthComposition, type VideoParams } from '../data/synth/types'
import { allCompositions, buildSynthWorld } from '../data/synth/world'

/**
 * (single frame, static caption) pairs for SynthCLIP's contrastive pretraining: a composition, a
 * video's per-video variation and one of its frames, drawn from a seeded generator and rendered as
 * SynthMotion renders videos. The caption says what the frame shows (object, colour, size,
 * visibility, position, scene); a fraction of frames are late frames of their motion ("keyframes")
 * captioned with the motion's name, as CLIP learns action words from single photos: the text tower
 * learns that "sliding right" goes with an object at the right, while no single image shows motion.
 */

/** Fraction of pretraining frames (and of hard-negative groups) that are captioned keyframes. */
export const KEYFRAME_FRACTION = 0.3
/** A keyframe lies in the last part of its motion: frame index ≥ this fraction of the video. */
export const KEYFRAME_FROM = 0.7

/**
 * Which compositions frames come from: `grid` = every object × colour × scene × motion (216, so
 * no attribute predicts another), `classes` = only the 24 SynthMotion classes' compositions.
 */
export type CompositionPool = 'grid' | 'classes'

export const SYNTH_VIDEO_FRAMES = 16

export function compositions(pool: CompositionPool): SynthComposition[] {
  if (pool === 'classes') return buildSynthWorld().classes.map((c) => c.composition)
  return allCompositions()
}

export interface SampledFrame {
  composition: SynthComposition
  params: VideoParams
  state: FrameState
  caption: FrameCaption
}

export interface FrameBatch {
  /** Normalised pixels [N, 3, S, S], channels first (CLIP's mean/std). */
  pixels: Float32Array
  size: number
  captions: FrameCaption[]
  frames: SampledFrame[]
}

/** RGB bytes [N, S, S, 3] → CLIP-normalised float [N, 3, S, S]. */
export function toPixels(rgb: Uint8Array, count: number, size: number): Float32Array {
  const plane = size * size
  const out = new Float32Array(count * 3 * plane)
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < plane; i++) {
      const src = (n * plane + i) * 3
      for (let c = 0; c < 3; c++) out[(n * 3 + c) * plane + i] = (rgb[src + c]! / 255 - CLIP_MEAN[c]!) / CLIP_STD[c]!
    }
  }
  return out
}

export class FrameSampler {
  private readonly rng: Rng
  private readonly pool: SynthComposition[]

  /**
   * `keyframes`: the fraction of frames captioned with their motion (pretraining uses
   * {@link KEYFRAME_FRACTION}; 0, the default, gives static captions only, as the quality probes need).
   */
  constructor(
    seed: number | bigint,
    readonly size: number,
    pool: CompositionPool = 'grid',
    private readonly keyframes = 0,
  ) {
    this.rng = seededRng(seed)
    this.pool = compositions(pool)
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng.random() * items.length)]!
  }

  /** Frame `f` of the 16-frame video of `composition` with variation `params`, statically captioned unless `caption` says otherwise. */
  private frameOf(composition: SynthComposition, params: VideoParams, f: number, caption = captionFrame): SampledFrame {
    const state = stateAt(composition.motion, params, f / (SYNTH_VIDEO_FRAMES - 1))
    return { composition, params, state, caption: caption(composition, state) }
  }

  /** A late frame of `composition`'s motion at index `f`, captioned with the motion ("… sliding right …"). */
  private keyframeOf(composition: SynthComposition, params: VideoParams, f: number): SampledFrame {
    return this.frameOf(composition, params, f, keyframeCaption)
  }

  private keyframeIndex(): number {
    const first = Math.ceil(KEYFRAME_FROM * (SYNTH_VIDEO_FRAMES - 1))
    return first + Math.floor(this.rng.random() * (SYNTH_VIDEO_FRAMES - first))
  }

  private drawKeyframe(): boolean {
    return this.keyframes > 0 && this.rng.random() < this.keyframes
  }

  /** One frame: a composition, its video's variation, and a frame index of a 16-frame video. */
  sample(): SampledFrame {
    const composition = this.pick(this.pool)
    const params = sampleVideoParams(composition.motion, this.rng)
    if (this.drawKeyframe()) return this.keyframeOf(composition, params, this.keyframeIndex())
    return this.frameOf(composition, params, Math.floor(this.rng.random() * SYNTH_VIDEO_FRAMES))
  }

  /**
   * Hard negatives for motion words: keyframes of one video's variation, at one late frame index, for
   * each object and for the motion and its twin ("sliding right" at the right, "sliding left" at the
   * left) — captions that differ in the object or only in the direction.
   */
  private keyframeGroup(): SampledFrame[] {
    const base = this.pick(this.pool)
    const params = sampleVideoParams(base.motion, this.rng)
    const f = this.keyframeIndex()
    return SYNTH_OBJECTS.flatMap((object) => [base.motion, twinMotion(base.motion)].map((motion) => this.keyframeOf({ ...base, object, motion }, params, f)))
  }

  /**
   * A group of hard negatives around one frame: the same frame with each object, and with the object
   * moved to each place along one axis (left/centre/right or top/middle/bottom, as the sliding
   * motions move it) — captions that differ from each other in one or two words.
   */
  private hardGroup(): SampledFrame[] {
    if (this.drawKeyframe()) return this.keyframeGroup()
    const base = this.sample()
    const objects = SYNTH_OBJECTS.map((object) => ({ ...base, composition: { ...base.composition, object } }))
    const axis = this.rng.random() < 0.5 ? 'x' : 'y'
    const places = [0.2, 0.5, 0.8].map((v) => ({ ...base.state, [axis]: v + (this.rng.random() - 0.5) * 0.1 }))
    return [...objects, ...places.map((state) => ({ ...base, state }))].map((f) => ({ ...f, caption: captionFrame(f.composition, f.state) }))
  }

  /**
   * `count` frames whose captions are all different (a repeated caption would be a false negative
   * for the contrastive loss), rendered and normalised. A fraction `hard` of them come in groups of
   * hard negatives (see {@link hardGroup}); the rest are drawn independently.
   */
  batch(count: number, hard = 0): FrameBatch {
    const seen = new Set<string>()
    const frames: SampledFrame[] = []
    const add = (f: SampledFrame): void => {
      if (frames.length >= count || seen.has(f.caption.text)) return
      seen.add(f.caption.text)
      frames.push(f)
    }
    for (let tries = 0; frames.length < Math.floor(count * hard); tries++) {
      if (tries > count * 100) throw new Error(`SynthCLIP frames: could not draw ${count} frames with distinct captions; use a smaller batch`)
      this.hardGroup().forEach(add)
    }
    for (let tries = 0; frames.length < count; tries++) {
      if (tries > count * 100) throw new Error(`SynthCLIP frames: could not draw ${count} frames with distinct captions; use a smaller batch`)
      add(this.sample())
    }
    const s = this.size
    const rgb = new Uint8Array(count * s * s * 3)
    frames.forEach((f, i) => renderFrame(f.composition, f.state, f.params, s, rgb, i * s * s * 3))
    return { pixels: toPixels(rgb, count, s), size: s, captions: frames.map((f) => f.caption), frames }
  }
}
