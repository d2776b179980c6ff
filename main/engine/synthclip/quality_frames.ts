import type { ClipModel } from '../clip/modeling_clip_model'
import type { ClipTokenizer } from '../clip/tokenization_clip'
import { captionFrame, keyframeCaption } from '../data/synth/captions'
import { twinMotion } from '../data/synth/motion'
import { renderFrame } from '../data/synth/render'
import { SYNTH_COLOURS, SYNTH_OBJECTS, SYNTH_SCENES } from '../data/synth/types'
import { dot, embedImages, embedTexts } from './embed'
import { FrameSampler, toPixels, type SampledFrame } from './frames'

/**
 * Zero-shot probes on held-out rendered frames: for each frame, captions that differ from its own
 * in one attribute only (the object, the colour, the scene, the size word, or the position along the
 * axis it moves on) are ranked by cosine similarity; a probe is right when the frame's own caption
 * wins. Plus caption retrieval: the frame's caption among all the evaluated frames' captions.
 */

export const ATTRIBUTES = ['object', 'colour', 'scene', 'size', 'position'] as const
export type Attribute = (typeof ATTRIBUTES)[number]

export interface Score {
  accuracy: number
  n: number
  chance: number
}

/** The captions of `frame` with one attribute set to each of its values (its own caption is among them). */
export function attributeVariants(frame: SampledFrame, attribute: Attribute): string[] | null {
  const { composition: c, state: s, caption } = frame
  switch (attribute) {
    case 'object':
      return SYNTH_OBJECTS.map((object) => captionFrame({ ...c, object }, s).text)
    case 'colour':
      return SYNTH_COLOURS.map((colour) => captionFrame({ ...c, colour }, s).text)
    case 'scene':
      return SYNTH_SCENES.map((scene) => captionFrame({ ...c, scene }, s).text)
    case 'size':
      return [0.1, 0.25, 0.45].map((size) => captionFrame(c, { ...s, size }).text)
    case 'position':
      // SynthMotion moves along one axis at a time: vary the position along the one that varies.
      if (caption.vertical === 'middle') return [0.1, 0.5, 0.9].map((x) => captionFrame(c, { ...s, x }).text)
      if (caption.horizontal === 'center') return [0.1, 0.5, 0.9].map((y) => captionFrame(c, { ...s, y }).text)
      return null
  }
}

export interface FrameQuality {
  attributes: Record<Attribute, Score>
  /** Keyframes: the motion's caption ranked above its twin's ("sliding right" vs "sliding left"), chance 50 %. */
  motionWords: Score
  /** Own caption ranked first among all distinct captions of the evaluated frames. */
  captionRetrieval: Score
}

/** Draws `count` visible frames (an empty scene has no object to probe) from an evaluation seed. */
export function evaluationFrames(seed: number, size: number, count: number): SampledFrame[] {
  const sampler = new FrameSampler(seed, size)
  const out: SampledFrame[] = []
  while (out.length < count) {
    const f = sampler.sample()
    if (f.caption.visibility !== 'hidden') out.push(f)
  }
  return out
}

/** Draws `count` held-out keyframes (late frames captioned with their motion). */
export function evaluationKeyframes(seed: number, size: number, count: number): SampledFrame[] {
  const sampler = new FrameSampler(seed, size, 'grid', 1)
  return Array.from({ length: count }, () => sampler.sample())
}

/** Each keyframe's own motion caption against the same caption with the twin motion. */
function measureMotionWords(model: ClipModel, tokenizer: ClipTokenizer, keyframes: readonly SampledFrame[]): Score {
  const s = model.config.vision.imageSize
  const rgb = new Uint8Array(keyframes.length * s * s * 3)
  keyframes.forEach((f, i) => renderFrame(f.composition, f.state, f.params, s, rgb, i * s * s * 3))
  const images = embedImages(model, toPixels(rgb, keyframes.length, s), keyframes.length)
  const twins = keyframes.map((f) => keyframeCaption({ ...f.composition, motion: twinMotion(f.composition.motion) }, f.state).text)
  const texts = embedTexts(model, tokenizer, [...keyframes.map((f) => f.caption.text), ...twins])
  const right = keyframes.filter((f, i) => dot(images[i]!, texts.get(f.caption.text)!) > dot(images[i]!, texts.get(twins[i]!)!)).length
  return { accuracy: keyframes.length ? right / keyframes.length : 0, n: keyframes.length, chance: 0.5 }
}

export function measureFrameQuality(model: ClipModel, tokenizer: ClipTokenizer, frames: readonly SampledFrame[], keyframes: readonly SampledFrame[] = []): FrameQuality {
  const s = model.config.vision.imageSize
  const rgb = new Uint8Array(frames.length * s * s * 3)
  frames.forEach((f, i) => renderFrame(f.composition, f.state, f.params, s, rgb, i * s * s * 3))
  const images = embedImages(model, toPixels(rgb, frames.length, s), frames.length)
  const variants = ATTRIBUTES.map((a) => frames.map((f) => attributeVariants(f, a)))
  const captions = frames.map((f) => f.caption.text)
  const texts = embedTexts(model, tokenizer, [...captions, ...variants.flat(2).filter((t): t is string => t !== null)])
  const best = (image: Float32Array, options: readonly string[]): string => options.reduce((a, b) => (dot(image, texts.get(b)!) > dot(image, texts.get(a)!) ? b : a))
  const attributes = Object.fromEntries(
    ATTRIBUTES.map((a, k) => {
      let right = 0
      let n = 0
      frames.forEach((f, i) => {
        const options = variants[k]![i]
        if (!options) return
        n++
        if (best(images[i]!, options) === f.caption.text) right++
      })
      return [a, { accuracy: n ? right / n : 0, n, chance: 1 / 3 }]
    }),
  ) as Record<Attribute, Score>
  const distinct = [...new Set(captions)]
  const retrieved = frames.filter((f, i) => best(images[i]!, distinct) === f.caption.text).length
  return { attributes, motionWords: measureMotionWords(model, tokenizer, keyframes), captionRetrieval: { accuracy: retrieved / frames.length, n: frames.length, chance: 1 / distinct.length } }
}
