import type { ClipModel } from '../clip/modeling_clip_model'
import type { ClipTokenizer } from '../clip/tokenization_clip'
import { generateSynthVideo } from '../data/synth/generate'
import type { SynthWorld } from '../data/synth/types'
import { datasetTemplates, fillTemplate } from '../text/prompts/templates'
import { dot, embedImages, embedTexts, meanUnit, type Vec } from './embed'
import { SYNTH_VIDEO_FRAMES, toPixels } from './frames'
import type { Score } from './quality_frames'

/**
 * Frozen-CLIP zero-shot on SynthMotion clips, as docs/architecture.md (SynthMotion) expects of a frame-level CLIP: 8 frames
 * per clip, their embeddings averaged; classes as the mean of their SynthMotion template prompts
 * ("a video of Red Square Sliding Left On Grass.", …).
 * - order pairs: the clip's class against its reverse (same object, colour, scene; frames in the
 *   opposite order): a frame-averaging model should be at chance, 50 %.
 * - unseen classes: top-1 among the zero-shot split's unseen classes, and the "static" accuracy: the
 *   predicted class has the clip's object, colour and scene (is in its order pair).
 */

export const CLIP_FRAMES = 8

/** `count` frame indices spread evenly over `total` frames, symmetric (a reversed clip picks the same set). */
export function evenFrameIndices(total: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round((i * (total - 1)) / (count - 1)))
}

export interface VideoQuality {
  orderPair: Score
  unseenTop1: Score
  unseenStatic: Score
}

/** One unit class embedding per class: the ensemble of the data set's templates. */
function classEmbeddings(model: ClipModel, tokenizer: ClipTokenizer, world: SynthWorld): Vec[] {
  const templates = datasetTemplates('synthmotion')
  const prompts = world.classes.map((c) => templates.map((t) => fillTemplate(t, c.name)))
  const texts = embedTexts(model, tokenizer, prompts.flat())
  return prompts.map((list) => meanUnit(list.map((p) => texts.get(p)!)))
}

/** Clip embeddings of `perClass` held-out videos of every class (video indices from `firstVideo`). */
function clipEmbeddings(model: ClipModel, world: SynthWorld, perClass: number, firstVideo: number): { classIndex: number; embed: Vec }[] {
  const s = model.config.vision.imageSize
  const picks = evenFrameIndices(SYNTH_VIDEO_FRAMES, CLIP_FRAMES)
  const frameBytes = s * s * 3
  const items = world.classes.flatMap((c) => Array.from({ length: perClass }, (_, k) => ({ classIndex: c.index, video: firstVideo + k })))
  const rgb = new Uint8Array(items.length * CLIP_FRAMES * frameBytes)
  items.forEach((it, i) => {
    const v = generateSynthVideo(world, it.classIndex, it.video, { size: s, frames: SYNTH_VIDEO_FRAMES })
    picks.forEach((f, j) => rgb.set(v.data.subarray(f * frameBytes, (f + 1) * frameBytes), (i * CLIP_FRAMES + j) * frameBytes))
  })
  const frames = embedImages(model, toPixels(rgb, items.length * CLIP_FRAMES, s), items.length * CLIP_FRAMES)
  return items.map((it, i) => ({ classIndex: it.classIndex, embed: meanUnit(frames.slice(i * CLIP_FRAMES, (i + 1) * CLIP_FRAMES)) }))
}

export function measureVideoQuality(model: ClipModel, tokenizer: ClipTokenizer, world: SynthWorld, perClass: number, firstVideo = 1000): VideoQuality {
  const classes = classEmbeddings(model, tokenizer, world)
  const clips = clipEmbeddings(model, world, perClass, firstVideo)
  let pairRight = 0
  for (const clip of clips) {
    const own = dot(clip.embed, classes[clip.classIndex]!)
    const reverse = dot(clip.embed, classes[world.classes[clip.classIndex]!.reverseIndex]!)
    if (own > reverse) pairRight++
  }
  const unseen = new Set(world.unseen)
  const unseenClips = clips.filter((c) => unseen.has(c.classIndex))
  let top1 = 0
  let sameStatic = 0
  for (const clip of unseenClips) {
    const predicted = world.unseen.reduce((a, b) => (dot(clip.embed, classes[b]!) > dot(clip.embed, classes[a]!) ? b : a))
    if (predicted === clip.classIndex) top1++
    if (predicted === clip.classIndex || predicted === world.classes[clip.classIndex]!.reverseIndex) sameStatic++
  }
  const n = unseenClips.length
  return {
    orderPair: { accuracy: pairRight / clips.length, n: clips.length, chance: 0.5 },
    unseenTop1: { accuracy: n ? top1 / n : 0, n, chance: 1 / world.unseen.length },
    unseenStatic: { accuracy: n ? sameStatic / n : 0, n, chance: 2 / world.unseen.length },
  }
}
