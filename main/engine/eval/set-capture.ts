import * as tf from '@tensorflow/tfjs'
import type { Prediction } from '../stdd/capture'
import type { RunOutput } from '../runs/run-output'
import { FRAMES_MIME } from '../store/map-artifacts'
import type { VideoPrediction } from '../store/predictions'
import type { LoadedClip, ModelGeometry } from '../train/video-data'
import { encodePng } from './png'

/**
 * What one evaluation set leaves besides its accuracies: every video's top-5 predictions (and, for
 * SynthMotion, its order-only partner's score), and for the first {@link MAPS_PER_CLASS} videos of
 * each class (at most {@link MAPS_PER_SET}) the frames the model saw as a PNG strip, the class
 * token's attention per frame and the frame × prompt scores. All rows of a set are replaced together.
 */

/** Videos per class whose frames and maps are kept. */
export const MAPS_PER_CLASS = 1
/** At most this many videos per evaluation set keep their maps (bounds the database on large data sets). */
export const MAPS_PER_SET = 16

export interface SetCaptureOptions {
  out: RunOutput
  /** `<eval key>/<set name>`: the key of the set's class results and predictions. */
  setKey: string
  step: number
  classes: readonly string[]
  /** SynthMotion: each class's order-only partner, −1 if absent. */
  partners?: readonly number[]
  geometry: ModelGeometry
  /** The prompt set whose prompts the score maps' columns are (its hash). */
  promptSetHash: string
}

export interface SetCapture {
  /** Whether the next video of class `label` keeps its maps (ask before its forward pass). */
  wantsMaps(label: number): boolean
  /** Records a video's prediction from its summed view scores; keeps its maps when `p` carries them. */
  record(videoIndex: number, video: string, clip: LoadedClip, scores: Float32Array, p: Prediction): Promise<void>
  /** Writes the set's predictions (one transaction). */
  finish(): void
}

/** The k highest scores, best first (ties: lower class index first). */
export function topK(scores: ArrayLike<number>, k: number): { classIndex: number; score: number }[] {
  return Array.from(scores, (score, classIndex) => ({ classIndex, score }))
    .sort((a, b) => b.score - a.score || a.classIndex - b.classIndex)
    .slice(0, k)
}

/** View 0 of a clip `[V, T, H, W, 3]` (CLIP-normalised) as 8-bit RGB frames side by side: `[H, T·W, 3]`. */
export function frameStrip(clip: LoadedClip, geometry: ModelGeometry): { rgb: Uint8Array; width: number; height: number; frames: number } {
  const [, t, h, w] = clip.shape
  const rgb = new Uint8Array(h * t * w * 3)
  for (let f = 0; f < t; f++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < 3; c++) {
          const v = clip.data[((f * h + y) * w + x) * 3 + c]! * geometry.std[c]! + geometry.mean[c]!
          rgb[(y * t * w + f * w + x) * 3 + c] = Math.round(255 * Math.min(1, Math.max(0, v)))
        }
  return { rgb, width: t * w, height: h, frames: t }
}

/** The tensor's float32 bytes (read asynchronously: GPU backends have no synchronous read in Node); the tensor is disposed. */
async function floatBlob(t: tf.Tensor): Promise<Uint8Array> {
  try {
    const data = (await t.data()) as Float32Array
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  } finally {
    t.dispose()
  }
}

export function createSetCapture(o: SetCaptureOptions): SetCapture {
  const { out, setKey, step } = o
  for (const kind of ['attention_map', 'score_map', 'other'] as const) out.removeArtifacts(kind, `${setKey}:`)
  const predictions: VideoPrediction[] = []
  const mapsPerClass = new Map<number, number>()
  let mapsInSet = 0

  async function keepMaps(video: string, clip: LoadedClip, predicted: number, p: Prediction): Promise<void> {
    const name = `${setKey}:${video}`
    const meta = { video, label: clip.label, className: o.classes[clip.label], predicted, view: 0 }
    const strip = frameStrip(clip, o.geometry)
    out.artifact({ kind: 'other', name, step, blob: encodePng(strip.rgb, strip.width, strip.height), mime: FRAMES_MIME, meta: { ...meta, frames: strip.frames, width: strip.width / strip.frames, height: strip.height, what: 'the frames the model saw (view 0), side by side' } })
    if (p.clsAttention) {
      const a = tf.tidy(() => p.clsAttention!.slice([0], [1]).squeeze([0]))
      const shape = a.shape
      out.artifact({ kind: 'attention_map', name, step, blob: await floatBlob(a), mime: 'application/x-float32', meta: { ...meta, shape, what: 'class token → patches attention of the last block, mean over heads, per frame' } })
    }
    if (p.frameByPrompt) {
      const s = tf.tidy(() => p.frameByPrompt!.slice([0], [1]).squeeze([0]))
      const shape = s.shape
      out.artifact({ kind: 'score_map', name, step, blob: await floatBlob(s), mime: 'application/x-float32', meta: { ...meta, shape, classes: o.classes, promptSetHash: o.promptSetHash, what: 'λ·cos(frame, prompt): [frames, classes, prompts per class]' } })
    }
  }

  return {
    wantsMaps(label) {
      return mapsInSet < MAPS_PER_SET && (mapsPerClass.get(label) ?? 0) < MAPS_PER_CLASS
    },
    async record(videoIndex, video, clip, scores, p) {
      const top5 = topK(scores, 5)
      const partner = o.partners?.[clip.label] ?? -1
      predictions.push({ videoIndex, video, trueClass: clip.label, predicted: top5[0]!.classIndex, top5, trueScore: scores[clip.label]!, partnerClass: partner >= 0 ? partner : null, partnerScore: partner >= 0 ? scores[partner]! : null })
      if (p.clsAttention || p.frameByPrompt) {
        mapsPerClass.set(clip.label, (mapsPerClass.get(clip.label) ?? 0) + 1)
        mapsInSet++
        await keepMaps(video, clip, top5[0]!.classIndex, p)
      }
    },
    finish() {
      out.predictions(setKey, predictions)
    },
  }
}
