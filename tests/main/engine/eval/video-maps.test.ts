import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { decodeMap, type MapEncoding } from '../../../../contract/map-encoding'
import { promptKinds } from '../../../../main/engine/eval/prompt-kinds'
import { createSetCapture, type SetCapture } from '../../../../main/engine/eval/set-capture'
import { frameStrip, keepColumns, keptClasses } from '../../../../main/engine/eval/video-maps'
import type { RunOutput } from '../../../../main/engine/runs/run-output'
import type { NewArtifact } from '../../../../main/engine/store/artifacts'
import { expectNoLeak } from '../../../helpers/tf'

const identity = { imageSize: 4, mean: [0, 0, 0], std: [1, 1, 1] }

describe('compact maps of an evaluated video', () => {
  it('shrinks frames by a whole factor, the mean of each block', () => {
    // [V=1, T=1, H=4, W=4, 3]; red = (y·4 + x) / 15, green 0, blue 1. maxSide 2 → factor 2.
    const data = new Float32Array(4 * 4 * 3)
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) data.set([(y * 4 + x) / 15, 0, 1], (y * 4 + x) * 3)
    const strip = frameStrip({ label: 0, data, shape: [1, 1, 4, 4, 3] }, identity, 2)
    expect([strip.width, strip.height, strip.frames]).toEqual([2, 2, 1])
    // Top-left block: pixels 0, 1, 4, 5 → mean 2.5 / 15 → 42.5 → 43 (round half up).
    const red = (block: number[]) => Math.round((255 * block.reduce((a, b) => a + b, 0)) / 4 / 15)
    expect([...strip.rgb]).toEqual([red([0, 1, 4, 5]), 0, 255, red([2, 3, 6, 7]), 0, 255, red([8, 9, 12, 13]), 0, 255, red([10, 11, 14, 15]), 0, 255])
    expect(strip.rgb[0]).toBe(43)
    // Small frames stay as they are.
    expect(frameStrip({ label: 0, data, shape: [1, 1, 4, 4, 3] }, identity).width).toBe(4)
  })

  it('keeps the true class first, then the top-k, each once', () => {
    expect(keptClasses(2, [{ classIndex: 0 }, { classIndex: 2 }, { classIndex: 5 }])).toEqual([2, 0, 5])
    expect(keptClasses(1, [{ classIndex: 1 }, { classIndex: 3 }])).toEqual([1, 3])
  })

  it('takes the kept classes’ columns of a [frames, classes, prompts] score map', () => {
    // scores[t][k][m] = 100t + 10k + m, 2 frames × 3 classes × 2 prompts.
    const scores = Array.from({ length: 12 }, (_, i) => 100 * Math.floor(i / 6) + 10 * (Math.floor(i / 2) % 3) + (i % 2))
    expect([...keepColumns(scores, [2, 3, 2], [2, 0])]).toEqual([20, 21, 0, 1, 120, 121, 100, 101])
    expect(() => keepColumns(scores, [2, 3, 2], [3])).toThrow(/class 3 of 3/)
    expect(() => keepColumns(scores, [2, 2, 2], [0])).toThrow(/12 values for 2 × 2 × 2/)
  })

  it('tells what each prompt adds: nothing [C], a spatial clause [S] or a temporal one [T]', () => {
    const clauses = { oo: ['where a ball is on the left'], ao: ['which moves a ball'], aa: ['starting at the left', 'starting at the left, then at the right'] }
    const prompts = ['a video of slide right.', 'a video of slide right, which moves a ball.', 'a video of slide right, starting at the left, then at the right.', 'a video of slide right, starting at the left.', 'a video of slide right, something else.']
    expect(promptKinds(prompts, 'slide right', clauses)).toEqual(['C', 'S', 'T', 'T', null])
    expect(promptKinds(prompts, 'slide right', null)).toEqual(['C', null, null, null, null])
  })
})

/** A RunOutput that keeps what it is given. */
function collectingOutput(): RunOutput & { artifacts: Omit<NewArtifact, 'runId'>[]; removed: string[] } {
  const artifacts: Omit<NewArtifact, 'runId'>[] = []
  const removed: string[] = []
  const ignore = () => undefined
  return { artifacts, removed, metrics: ignore, classResults: ignore, predictions: ignore, artifact: (a) => void artifacts.push(a), removeArtifacts: (kind, prefix) => void removed.push(`${kind} ${prefix}`), checkpointsRemoved: ignore, promptSet: ignore, usesPromptSet: ignore }
}

describe('the evaluation set’s capture', () => {
  // 2 frames, 4 classes, 2 prompts; scores[t][k][m] = t + k / 4 + m / 16 (exact in float16).
  const scoreValues = Array.from({ length: 16 }, (_, i) => Math.floor(i / 8) + (Math.floor(i / 2) % 4) / 4 + (i % 2) / 16)
  // Attention per frame over a 2 × 2 grid: 0.1, 0.2, 0.3, 0.6 and 0.6, 0.3, 0.2, 0.1.
  const attentionValues = [0.1, 0.2, 0.3, 0.6, 0.6, 0.3, 0.2, 0.1]
  const clip = { label: 1, data: new Float32Array(1 * 2 * 4 * 4 * 3).fill(0.5), shape: [1, 2, 4, 4, 3] as [number, number, number, number, 3] }
  const summed = Float32Array.from([0.2, 0.5, 0.9, 0.1]) // top-5: 2, 1, 0, 3

  async function recordOne(capture: SetCapture, video: string): Promise<void> {
    const prediction = {
      scores: tf.tensor2d([[0.2, 0.5, 0.9, 0.1]]),
      frameEmbeds: tf.zeros([1, 2, 4]) as tf.Tensor3D,
      clsAttention: tf.tensor4d(attentionValues, [1, 2, 2, 2]),
      frameByPrompt: tf.tensor4d(scoreValues, [1, 2, 4, 2]),
    }
    try {
      await capture.record(0, video, clip, summed, prediction)
    } finally {
      tf.dispose([prediction.scores, prediction.frameEmbeds, prediction.clsAttention, prediction.frameByPrompt])
    }
  }

  it('keeps every video’s frames, uint8 attention and the float16 scores of the true class and the top-5', async () => {
    const out = collectingOutput()
    const capture = createSetCapture({ out, setKey: 'synthmotion/unseen/all', step: 3, classes: ['a', 'b', 'c', 'd'], geometry: identity, promptSetHash: 'abcd1234' })
    expect(out.removed).toEqual(['attention_map synthmotion/unseen/all:', 'score_map synthmotion/unseen/all:', 'other synthmotion/unseen/all:'])
    for (const video of ['v0', 'v1', 'v2']) {
      expect(capture.wantsMaps()).toBe(true)
      await expectNoLeak(() => recordOne(capture, video))
    }
    expect(out.artifacts.map((a) => `${a.kind} ${a.name}`)).toEqual(['v0', 'v1', 'v2'].flatMap((v) => ['other', 'attention_map', 'score_map'].map((k) => `${k} synthmotion/unseen/all:${v}`)))
    const [frames, attention, scores] = out.artifacts
    expect(frames!.meta).toMatchObject({ frames: 2, width: 4, height: 4, label: 1, predicted: 2 })
    expect(attention!.meta).toMatchObject({ shape: [2, 2, 2], encoding: { dtype: 'uint8', min: Math.fround(0.1), max: Math.fround(0.6) } })
    const att = decodeMap(attention!.blob!, attention!.meta!.encoding as MapEncoding, 8)
    attentionValues.forEach((v, i) => expect(Math.abs(att[i]! - v)).toBeLessThanOrEqual(0.5 / 510 + 1e-6))
    // Kept: the true class 1 first, then the top-5 without it: 2, 0, 3.
    expect(scores!.meta).toMatchObject({ shape: [2, 4, 2], classIndices: [1, 2, 0, 3], encoding: { dtype: 'float16' }, promptSetHash: 'abcd1234' })
    const s = decodeMap(scores!.blob!, { dtype: 'float16' }, 16)
    // Frame 1, kept column 0 (class 1), prompt 1: 1 + 1/4 + 1/16.
    expect(s[(1 * 4 + 0) * 2 + 1]).toBe(1.3125)
    expect([...s.subarray(0, 8)]).toEqual([0.25, 0.3125, 0.5, 0.5625, 0, 0.0625, 0.75, 0.8125])
  })

  it('stops keeping maps at the set’s byte budget and says so once', async () => {
    const out = collectingOutput()
    const log: string[] = []
    const capture = createSetCapture({ out, setKey: 'k/s', step: 1, classes: ['a', 'b', 'c', 'd'], geometry: identity, promptSetHash: 'abcd1234', budget: 1, log: (l) => log.push(l) })
    await recordOne(capture, 'v0')
    expect(capture.wantsMaps()).toBe(false)
    expect(log).toEqual([expect.stringMatching(/^k\/s: maps kept for the first 1 videos \(0\.0 MiB, the budget of an evaluation set\); the other videos keep their predictions only$/)])
  })
})
