import type { ClipModel } from '../clip/modeling_clip_model'
import type { ClipTokenizer } from '../clip/tokenization_clip'
import { buildSynthWorld } from '../data/synth/world'
import { ATTRIBUTES, evaluationFrames, evaluationKeyframes, measureFrameQuality, type FrameQuality, type Score } from './quality_frames'
import { measureVideoQuality, type VideoQuality } from './quality_videos'

/**
 * SynthCLIP's quality check: zero-shot attribute probes and caption retrieval on held-out frames,
 * and frozen-CLIP zero-shot on SynthMotion clips (order pairs at chance, unseen classes above chance
 * on their static part). The frames come from a seed stream that pretraining never uses.
 */

export interface QualityOptions {
  /** Held-out frames for the attribute probes (default 300). */
  frames?: number
  /** Held-out clips per class, all 24 classes (default 8). */
  clipsPerClass?: number
  /** SynthMotion world seed (its zero-shot split; default 0, the built-in world). */
  worldSeed?: number
}

export interface QualityReport extends FrameQuality, VideoQuality {
  seconds: number
}

/** Seeds of evaluation frames: far from any pretraining seed (those are small integers). */
export const EVALUATION_SEED = 2 ** 40 + 7

export function measureSynthClipQuality(model: ClipModel, tokenizer: ClipTokenizer, options: QualityOptions = {}): QualityReport {
  const t0 = performance.now()
  const frames = evaluationFrames(EVALUATION_SEED, model.config.vision.imageSize, options.frames ?? 300)
  const keyframes = evaluationKeyframes(EVALUATION_SEED + 3, model.config.vision.imageSize, options.frames ?? 300)
  const frameQuality = measureFrameQuality(model, tokenizer, frames, keyframes)
  const videoQuality = measureVideoQuality(model, tokenizer, buildSynthWorld({ seed: options.worldSeed ?? 0 }), options.clipsPerClass ?? 8)
  return { ...frameQuality, ...videoQuality, seconds: (performance.now() - t0) / 1000 }
}

const pct = (s: Score): string => `${(100 * s.accuracy).toFixed(1)} % (n ${s.n}, chance ${(100 * s.chance).toFixed(1)} %)`

/** The report as readable lines (CLI and README). */
export function qualityLines(r: QualityReport): string[] {
  return [
    ...ATTRIBUTES.map((a) => `${a.padEnd(9)} ${pct(r.attributes[a])}`),
    `caption retrieval ${pct(r.captionRetrieval)}`,
    `motion words on keyframes (own motion vs its twin: "sliding right" vs "sliding left") ${pct(r.motionWords)}`,
    `order pairs (8-frame clips, forward vs backward class) ${pct(r.orderPair)}`,
    `unseen classes top-1 ${pct(r.unseenTop1)}`,
    `unseen classes, static part (object, colour, scene) ${pct(r.unseenStatic)}`,
  ]
}
