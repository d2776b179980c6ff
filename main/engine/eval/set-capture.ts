import * as tf from '@tensorflow/tfjs'
import { encodeFloat16, encodeUint8 } from '../../../contract/map-encoding'
import type { Prediction } from '../stdd/capture'
import type { RunOutput } from '../runs/run-output'
import { FRAMES_MIME } from '../store/map-artifacts'
import type { VideoPrediction } from '../store/predictions'
import type { LoadedClip, ModelGeometry } from '../train/video-data'
import { encodePng } from './png'
import { frameStrip, keepColumns, keptClasses } from './video-maps'

/**
 * What one evaluation set leaves besides its accuracies: every video's top-5 predictions (and, for
 * SynthMotion, its order-only partner's score), and for every video, compactly (video-maps.ts), the
 * frames the model saw as a small PNG strip (also the per-class list's thumbnail), the class token's
 * attention per frame (uint8) and the frame × prompt scores of the true class and the top-5
 * (float16), until the set's maps reach {@link MAP_BYTES_PER_SET}. All rows of a set are replaced together.
 */

/**
 * The maps of one evaluation set stop growing here. A SynthMotion video's take 6.4 KiB (measured:
 * 320 videos, 2 MiB); a 224-pixel video with 224 prompts a class ≈70 KiB (frames ≈45, scores 21,
 * attention 1.6), so about 900 such videos a set keep their maps.
 */
export const MAP_BYTES_PER_SET = 64 * 1024 * 1024

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
  /** Says once when the set's maps reach their budget. */
  log?: (line: string) => void
  /** Bytes of maps a set may keep (default {@link MAP_BYTES_PER_SET}). */
  budget?: number
}

export interface SetCapture {
  /** Whether the next video keeps its maps (ask before its forward pass). */
  wantsMaps(): boolean
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

/** View 0 of a per-view map tensor, read asynchronously (GPU backends have no synchronous read in Node); `t` is not disposed. */
async function firstView(t: tf.Tensor): Promise<{ values: Float32Array; shape: number[] }> {
  const v = tf.tidy(() => t.slice([0], [1]).squeeze([0]))
  try {
    return { values: (await v.data()) as Float32Array, shape: v.shape }
  } finally {
    v.dispose()
  }
}

export function createSetCapture(o: SetCaptureOptions): SetCapture {
  const { out, setKey, step } = o
  const budget = o.budget ?? MAP_BYTES_PER_SET
  for (const kind of ['attention_map', 'score_map', 'other'] as const) out.removeArtifacts(kind, `${setKey}:`)
  const predictions: VideoPrediction[] = []
  let bytes = 0
  let withMaps = 0

  function keep(a: Parameters<RunOutput['artifact']>[0] & { blob: Uint8Array }): void {
    bytes += a.blob.byteLength
    out.artifact(a)
  }

  async function keepMaps(video: string, clip: LoadedClip, top5: { classIndex: number }[], p: Prediction): Promise<void> {
    const name = `${setKey}:${video}`
    const meta = { video, label: clip.label, className: o.classes[clip.label], predicted: top5[0]!.classIndex, view: 0 }
    const strip = frameStrip(clip, o.geometry)
    keep({ kind: 'other', name, step, blob: encodePng(strip.rgb, strip.width, strip.height), mime: FRAMES_MIME, meta: { ...meta, frames: strip.frames, width: strip.width / strip.frames, height: strip.height } })
    if (p.clsAttention) {
      const { values, shape } = await firstView(p.clsAttention)
      const { bytes: blob, encoding } = encodeUint8(values)
      keep({ kind: 'attention_map', name, step, blob, mime: 'application/x-uint8', meta: { ...meta, shape, encoding } })
    }
    if (p.frameByPrompt) {
      const { values, shape } = await firstView(p.frameByPrompt)
      const [frames = 0, classes = 0, prompts = 0] = shape
      const classIndices = keptClasses(clip.label, top5)
      const blob = encodeFloat16(keepColumns(values, [frames, classes, prompts], classIndices))
      keep({ kind: 'score_map', name, step, blob, mime: 'application/x-float16', meta: { ...meta, shape: [frames, classIndices.length, prompts], classIndices, encoding: { dtype: 'float16' }, promptSetHash: o.promptSetHash } })
    }
  }

  return {
    wantsMaps() {
      return bytes < budget
    },
    async record(videoIndex, video, clip, scores, p) {
      const top5 = topK(scores, 5)
      const partner = o.partners?.[clip.label] ?? -1
      predictions.push({ videoIndex, video, trueClass: clip.label, predicted: top5[0]!.classIndex, top5, trueScore: scores[clip.label]!, partnerClass: partner >= 0 ? partner : null, partnerScore: partner >= 0 ? scores[partner]! : null })
      if (p.clsAttention || p.frameByPrompt) {
        withMaps++
        await keepMaps(video, clip, top5, p)
        if (bytes >= budget) o.log?.(`${setKey}: maps kept for the first ${withMaps} videos (${(bytes / 2 ** 20).toFixed(1)} MiB, the budget of an evaluation set); the other videos keep their predictions only`)
      }
    },
    finish() {
      out.predictions(setKey, predictions)
    },
  }
}
